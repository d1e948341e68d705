//! Lighthouse's median run: among runs with FCP and TTI, the one closest
//! (Euclidean) to the median FCP and the median TTI; ties go to the lower TTI,
//! then to the earlier run.

/// Median of a list (mean of the two middle values for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let mid = n / 2;
    if n % 2 == 1 {
        sorted.get(mid).copied()
    } else {
        Some((sorted.get(mid - 1)? + sorted.get(mid)?) / 2.0)
    }
}

/// Index of the median run from `(fcp, tti)` per run (`None` for runs lacking one).
pub fn median_run(runs: &[Option<(f64, f64)>]) -> Option<usize> {
    let valid: Vec<(usize, f64, f64)> = runs
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.map(|(fcp, tti)| (i, fcp, tti)))
        .collect();
    let median_fcp = median(&valid.iter().map(|v| v.1).collect::<Vec<_>>())?;
    let median_tti = median(&valid.iter().map(|v| v.2).collect::<Vec<_>>())?;
    let distance = |fcp: f64, tti: f64| (median_fcp - fcp).powi(2) + (median_tti - tti).powi(2);
    // Distances equal up to floating-point noise count as ties.
    let compare = |x: f64, y: f64| {
        if (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0) {
            std::cmp::Ordering::Equal
        } else {
            x.total_cmp(&y)
        }
    };
    valid
        .iter()
        .min_by(|a, b| {
            compare(distance(a.1, a.2), distance(b.1, b.2))
                .then(a.2.total_cmp(&b.2))
                .then(a.0.cmp(&b.0))
        })
        .map(|v| v.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn picks_the_run_nearest_both_medians() {
        let runs = [
            Some((100.0, 1000.0)),
            Some((300.0, 3000.0)),
            None,
            Some((200.0, 2100.0)),
        ];
        assert_eq!(median_run(&runs), Some(3));
        // Two runs: medians are the means, both equally far: lower TTI wins.
        let runs = [Some((200.0, 2000.0)), Some((100.0, 1000.0))];
        assert_eq!(median_run(&runs), Some(1));
        assert_eq!(median_run(&[None, None]), None);
        // Equal distances up to rounding noise still go to the lower TTI.
        let runs = [Some((176.3, 181.7)), Some((152.9, 158.1))];
        assert_eq!(median_run(&runs), Some(1));
    }
}
