//! Injected faults (seeded) and the gateway's token-bucket rate limiter.

use std::time::Instant;

pub use npay_sandbox_control::Faults;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// What happens to one API request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    None,
    /// 429 GW.RATE_LIMIT before processing.
    RateLimit,
    /// 503 GW.BLOCK.01 before processing.
    Block,
    /// 500 GW.INTERNAL_SERVER_ERROR before processing.
    Internal,
    /// 504 GW.TIMEOUT.01 after processing: the effect is applied, the answer is lost.
    TimeoutAfter,
    /// Connection reset before processing.
    ResetBefore,
    /// Connection reset after processing.
    ResetAfter,
}

/// Fault configuration plus its RNG.
pub struct FaultState {
    pub config: Faults,
    rng: ChaCha8Rng,
}

impl FaultState {
    /// `config.seed` is always set here (the control API defaults it to the sandbox's seed).
    pub fn new(config: Faults) -> FaultState {
        let rng = ChaCha8Rng::seed_from_u64(config.seed.unwrap_or(0));
        FaultState { config, rng }
    }

    /// Draws the fault of one request.
    pub fn draw(&mut self) -> Fault {
        let c = &self.config;
        if !c.is_active() {
            return Fault::None;
        }
        let u: f64 = self.rng.random();
        if u < c.rate_limit_rate {
            return Fault::RateLimit;
        }
        if u < c.rate_limit_rate + c.server_error_rate {
            return match self.rng.random_range(0..3) {
                0 => Fault::Block,
                1 => Fault::Internal,
                _ => Fault::TimeoutAfter,
            };
        }
        if u < c.rate_limit_rate + c.server_error_rate + c.reset_rate {
            return if self.rng.random_bool(0.5) { Fault::ResetBefore } else { Fault::ResetAfter };
        }
        Fault::None
    }
}

/// A token bucket: refills at `rate` per second up to `burst` (= 2 × rate).
pub struct Bucket {
    pub rate: f64,
    pub burst: f64,
    tokens: f64,
    last: Instant,
}

impl Bucket {
    pub fn new(rate: f64) -> Bucket {
        let burst = (rate * 2.0).max(1.0);
        Bucket { rate, burst, tokens: burst, last: Instant::now() }
    }

    /// Takes one token; returns whether the request may pass and how many whole tokens remain.
    pub fn take(&mut self) -> (bool, u64) {
        let now = Instant::now();
        let dt = now.duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + dt * self.rate).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            (true, self.tokens.floor() as u64)
        } else {
            (false, 0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_reproducible_for_a_seed() {
        let cfg =
            Faults { server_error_rate: 0.3, rate_limit_rate: 0.2, reset_rate: 0.2, latency_ms: 0, seed: Some(7) };
        let a: Vec<Fault> = {
            let mut s = FaultState::new(cfg);
            (0..50).map(|_| s.draw()).collect()
        };
        let b: Vec<Fault> = {
            let mut s = FaultState::new(cfg);
            (0..50).map(|_| s.draw()).collect()
        };
        assert_eq!(a, b);
        assert!(a.contains(&Fault::None) && a.contains(&Fault::RateLimit));
    }

    #[test]
    fn bucket_allows_a_burst_of_twice_the_rate() {
        let mut b = Bucket::new(5.0);
        let passed = (0..20).filter(|_| b.take().0).count();
        assert!((10..=11).contains(&passed), "{passed}");
    }
}
