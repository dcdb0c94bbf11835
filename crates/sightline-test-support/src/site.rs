//! A local website (127.0.0.1) whose answer a test changes as it goes: up,
//! down with a status, slow, or redirecting, so that the HTTP probe's
//! samples and the outages made of them are known exactly.

use std::time::Duration;

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The site; it answers `200 ok` until told otherwise.
#[derive(Debug)]
pub struct Site {
    pub server: MockServer,
}

impl Site {
    pub async fn start() -> Site {
        let site = Site { server: MockServer::start().await };
        site.answer(200).await;
        site
    }

    /// Its health address, e.g. `http://127.0.0.1:41234/health`.
    pub fn url(&self) -> String {
        format!("{}/health", self.server.uri())
    }

    /// From now on every request is answered with `status`.
    pub async fn answer(&self, status: u16) {
        self.reply(ResponseTemplate::new(status).set_body_string(if status < 400 { "ok" } else { "unavailable" }))
            .await;
    }

    /// From now on every request waits `delay` before its `200 ok`.
    pub async fn answer_after(&self, delay: Duration) {
        self.reply(ResponseTemplate::new(200).set_body_string("ok").set_delay(delay)).await;
    }

    /// From now on every request is sent on to `location` with `302`.
    pub async fn redirect_to(&self, location: &str) {
        self.reply(ResponseTemplate::new(302).insert_header("Location", location)).await;
    }

    async fn reply(&self, template: ResponseTemplate) {
        self.server.reset().await;
        Mock::given(any()).respond_with(template).mount(&self.server).await;
    }
}
