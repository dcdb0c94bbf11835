//! A sliding-window request budget, for vendors that publish one (Autotask:
//! 10,000 requests an hour; HaloPSA: 300 every five minutes). Sightline
//! stays inside it rather than hitting the vendor's 429s, which can stall
//! every other integration on the same tenant.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

#[derive(Debug)]
pub(crate) struct Limiter {
    max: usize,
    window: Duration,
    sent: Mutex<VecDeque<Instant>>,
}

impl Limiter {
    pub fn new(max: usize, window: Duration) -> Limiter {
        Limiter { max: max.max(1), window, sent: Mutex::new(VecDeque::new()) }
    }

    /// Waits until one more request fits in the window, and counts it.
    pub async fn acquire(&self) {
        loop {
            let mut sent = self.sent.lock().await;
            let now = Instant::now();
            while sent.front().is_some_and(|at| now.duration_since(*at) >= self.window) {
                sent.pop_front();
            }
            if sent.len() < self.max {
                sent.push_back(now);
                return;
            }
            let oldest = *sent.front().expect("the window is full");
            drop(sent);
            tokio::time::sleep_until(oldest + self.window).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn keeps_to_the_budget() {
        let limiter = Limiter::new(3, Duration::from_secs(300));
        let start = Instant::now();
        for _ in 0..3 {
            limiter.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
        limiter.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_secs(300));
        for _ in 0..2 {
            limiter.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::from_secs(300));
        limiter.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_secs(600));
    }
}
