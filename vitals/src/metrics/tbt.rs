//! Total Blocking Time: for every long task clipped to [FCP, TTI], the part
//! over 50 ms.

/// TBT in ms from top-level tasks `(start_ms, end_ms)`.
pub fn tbt_ms(tasks: &[(f64, f64)], fcp: f64, tti: f64) -> f64 {
    tasks
        .iter()
        .filter(|(start, end)| end - start >= 50.0 && *end >= fcp && *start <= tti)
        .map(|&(start, end)| {
            let clipped = end.min(tti) - start.max(fcp);
            if clipped >= 50.0 { clipped - 50.0 } else { 0.0 }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clips_to_fcp_and_tti() {
        let tasks = [
            (0.0, 200.0),
            (300.0, 420.0),
            (1000.0, 1040.0),
            (2000.0, 2300.0),
        ];
        // [100,200] → 100 → 50; 120 → 70; 40 → 0; [2000,2100] → 100 → 50.
        assert_eq!(tbt_ms(&tasks, 100.0, 2100.0), 170.0);
        assert_eq!(tbt_ms(&[], 100.0, 2100.0), 0.0);
    }
}
