//! Spread of a metric over runs: min, max, mean and coefficient of variation.

use model::vitals::MetricSpread;

use super::trace::round;

/// Spread of the values present (`None` when no run produced the metric).
pub fn spread(values: &[Option<f64>]) -> Option<MetricSpread> {
    let values: Vec<f64> = values.iter().flatten().copied().collect();
    if values.is_empty() {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    let cv = if mean.abs() > f64::EPSILON {
        variance.sqrt() / mean
    } else {
        0.0
    };
    Some(MetricSpread {
        n: values.len(),
        min: values.iter().copied().fold(f64::INFINITY, f64::min),
        max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        mean: round(mean, 4),
        cv: round(cv, 4),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn population_cv() {
        let s = spread(&[Some(90.0), None, Some(110.0)]).unwrap();
        assert_eq!(
            (s.n, s.min, s.max, s.mean, s.cv),
            (2, 90.0, 110.0, 100.0, 0.1)
        );
        assert!(spread(&[None]).is_none());
        assert_eq!(spread(&[Some(0.0), Some(0.0)]).unwrap().cv, 0.0);
    }
}
