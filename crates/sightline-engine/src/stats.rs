//! Small statistics used by the metric definitions.

/// The `p`-th percentile (0..=100) of `values` by linear interpolation
/// between closest ranks (numpy's default). `None` for no values.
pub fn percentile(values: &mut [f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let rank = (p / 100.0) * (values.len() - 1) as f64;
    let low = rank.floor() as usize;
    let high = rank.ceil() as usize;
    Some(values[low] + (values[high] - values[low]) * (rank - low as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_matches_numpy_linear() {
        let check = |values: &[f64], p: f64, expected: Option<f64>| {
            let got = percentile(&mut values.to_vec(), p);
            assert_eq!(got, expected, "{values:?} p{p}");
        };
        check(&[], 50.0, None);
        check(&[7.0], 50.0, Some(7.0));
        check(&[7.0], 90.0, Some(7.0));
        check(&[1.0, 2.0, 3.0, 4.0], 50.0, Some(2.5));
        // numpy.percentile([10, 20, 30, 40, 50], 90) == 46.0
        check(&[50.0, 10.0, 40.0, 20.0, 30.0], 90.0, Some(46.0));
        check(&[3.0, 1.0, 2.0], 50.0, Some(2.0));
    }
}

/// Where a straight line through `figures` (equally spaced, oldest first,
/// fitted by least squares) says the figure will be `ahead` steps after the
/// last one, starting from the last figure itself. `None` with fewer than
/// two figures.
pub fn linear_projection(figures: &[f64], ahead: f64) -> Option<f64> {
    if figures.len() < 2 {
        return None;
    }
    let n = figures.len() as f64;
    let mean_x = (n - 1.0) / 2.0;
    let mean_y = figures.iter().sum::<f64>() / n;
    let (mut covariance, mut variance) = (0.0, 0.0);
    for (x, y) in figures.iter().enumerate() {
        covariance += (x as f64 - mean_x) * (y - mean_y);
        variance += (x as f64 - mean_x).powi(2);
    }
    Some(figures[figures.len() - 1] + covariance / variance * ahead)
}

#[cfg(test)]
mod projection_tests {
    use super::linear_projection;

    #[test]
    fn a_straight_line_continues() {
        assert_eq!(linear_projection(&[99.0, 98.0, 97.0, 96.0], 2.0), Some(94.0));
        assert_eq!(linear_projection(&[90.0, 90.0, 90.0], 5.0), Some(90.0));
        assert_eq!(linear_projection(&[90.0], 1.0), None);
    }
}
