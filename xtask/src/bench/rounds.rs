//! Each target's ratio round by round, beside the ratio of the medians. The clients alternate
//! within a round, so a round's figures were taken minutes apart against the same sandbox; the
//! spread of a ratio over the rounds is the day's spread of that target, and says whether one
//! run's verdict on it can be trusted.

use super::Results;

/// A ratio's lowest and highest value over the rounds, and in how many rounds it reached its goal.
#[derive(Debug, PartialEq)]
pub struct Spread {
    pub low: f64,
    pub high: f64,
    pub meeting: usize,
    pub rounds: usize,
}

impl Spread {
    /// The spread of `values` (one per round) against `goal`; `None` without values.
    pub fn of(values: &[f64], goal: f64) -> Option<Spread> {
        let low = values.iter().copied().reduce(f64::min)?;
        let high = values.iter().copied().reduce(f64::max)?;
        let meeting = values.iter().filter(|v| **v >= goal).count();
        Some(Spread { low, high, meeting, rounds: values.len() })
    }
}

/// The figures of `peer` on `workload`, one per round, if it ran in all `rounds` of them: a peer
/// that failed in a round has fewer figures, and its later ones no longer line up with the rounds.
fn each_round<'r>(results: &'r Results, peer: &str, workload: &str, rounds: usize) -> Option<&'r [f64]> {
    let values = results.get(peer)?.get(workload)?;
    (values.len() == rounds).then_some(values.as_slice())
}

/// `ours / theirs` on `workload` in each round; empty unless both ran in every round.
pub fn ratio(results: &Results, ours: &str, theirs: &str, workload: &str, rounds: usize) -> Vec<f64> {
    match (each_round(results, ours, workload, rounds), each_round(results, theirs, workload, rounds)) {
        (Some(ours), Some(theirs)) => ours.iter().zip(theirs).map(|(a, b)| a / b).collect(),
        _ => Vec::new(),
    }
}

/// In each round, the lowest over `workloads` of `ours` against the fastest of `peers` in that
/// round, counting the workloads and peers that ran in every round.
pub fn worst_against(results: &Results, ours: &str, peers: &[&str], workloads: &[&str], rounds: usize) -> Vec<f64> {
    (0..rounds)
        .map(|round| {
            workloads
                .iter()
                .filter_map(|workload| {
                    let mine = each_round(results, ours, workload, rounds)?[round];
                    let fastest = peers
                        .iter()
                        .filter_map(|peer| Some(each_round(results, peer, workload, rounds)?[round]))
                        .reduce(f64::max)?;
                    Some(mine / fastest)
                })
                .reduce(f64::min)
        })
        .collect::<Option<Vec<f64>>>()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn results(rows: &[(&str, &str, &[f64])]) -> Results {
        let mut results = Results::new();
        for (peer, workload, values) in rows {
            results.entry((*peer).to_owned()).or_default().insert((*workload).to_owned(), values.to_vec());
        }
        results
    }

    #[test]
    fn a_ratio_is_taken_within_each_round() {
        let results = results(&[("ours", "a", &[10.0, 30.0, 20.0]), ("peer", "a", &[5.0, 30.0, 40.0])]);
        assert_eq!(ratio(&results, "ours", "peer", "a", 3), vec![2.0, 1.0, 0.5]);
        let spread = Spread::of(&ratio(&results, "ours", "peer", "a", 3), 1.0).unwrap();
        assert_eq!(spread, Spread { low: 0.5, high: 2.0, meeting: 2, rounds: 3 });
    }

    #[test]
    fn a_client_that_missed_a_round_has_no_ratio_per_round() {
        // The peer failed in one round: its two figures cannot be matched to rounds.
        let results = results(&[("ours", "a", &[10.0, 30.0, 20.0]), ("peer", "a", &[5.0, 30.0])]);
        assert!(ratio(&results, "ours", "peer", "a", 3).is_empty());
        assert_eq!(Spread::of(&[], 1.0), None);
    }

    #[test]
    fn the_worst_workload_against_the_fastest_peer_is_found_per_round() {
        let results = results(&[
            ("ours", "a", &[10.0, 10.0]),
            ("ours", "b", &[4.0, 9.0]),
            ("slow", "a", &[5.0, 5.0]),
            ("fast", "a", &[8.0, 20.0]),
            ("fast", "b", &[2.0, 3.0]),
            // Ran in one round only: left out of both.
            ("flaky", "a", &[100.0]),
        ]);
        let worst = worst_against(&results, "ours", &["slow", "fast", "flaky"], &["a", "b"], 2);
        // Round 1: a 10/8, b 4/2 → 1.25; round 2: a 10/20, b 9/3 → 0.5.
        assert_eq!(worst, vec![1.25, 0.5]);
    }
}
