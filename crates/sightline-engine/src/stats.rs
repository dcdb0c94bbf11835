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
