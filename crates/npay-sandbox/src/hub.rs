//! Every application the sandbox serves ([`Hub`]), and the task that drives each one's traffic
//! generator.

use std::sync::Arc;
use std::time::Duration;

use http::header::AUTHORIZATION;
use tokio::sync::watch;

use crate::state::Shared;

const TRAFFIC_TICK: Duration = Duration::from_millis(20);

/// Runs an application's traffic generator until the sandbox shuts down (idle while its rate is 0).
pub async fn run_traffic(shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    let mut interval = tokio::time::interval(TRAFFIC_TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => shared.traffic_tick(),
            _ = shutdown.changed() => {
                if *shutdown.borrow() {
                    break;
                }
            }
        }
    }
}

/// Every application the sandbox serves: the one it started with and those `POST _sandbox/apps`
/// added. Each is a whole [`Shared`] of its own; a request finds its application by its token
/// (`sbx<N>.…`) or, for the token call, by its `client_id`.
pub struct Hub {
    apps: std::sync::RwLock<Vec<Arc<Shared>>>,
    shutdown: watch::Receiver<bool>,
}

impl Hub {
    pub fn new(primary: Arc<Shared>, shutdown: watch::Receiver<bool>) -> Hub {
        Hub { apps: std::sync::RwLock::new(vec![primary]), shutdown }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Vec<Arc<Shared>>> {
        self.apps.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The application the sandbox started with.
    pub fn primary(&self) -> Arc<Shared> {
        self.read()[0].clone()
    }

    pub fn is_single(&self) -> bool {
        self.read().len() == 1
    }

    /// Every application, the primary first.
    pub fn all(&self) -> Vec<Arc<Shared>> {
        self.read().clone()
    }

    /// The application with this client id.
    pub fn by_client_id(&self, client_id: &str) -> Option<Arc<Shared>> {
        self.read().iter().find(|a| a.client_id == client_id).cloned()
    }

    /// Adds applications (their traffic generators start at once, idle until given a rate).
    pub fn add(&self, make: impl Fn(usize) -> Shared, count: usize) -> Vec<Arc<Shared>> {
        let mut apps = self.apps.write().unwrap_or_else(|e| e.into_inner());
        let mut added = Vec::with_capacity(count);
        for _ in 0..count {
            let app = Arc::new(make(apps.len()));
            tokio::spawn(run_traffic(app.clone(), self.shutdown.clone()));
            apps.push(app.clone());
            added.push(app);
        }
        added
    }

    pub fn by_token_call(&self, query: Option<&str>, body: &[u8]) -> Arc<Shared> {
        let fields = form_urlencoded::parse(body).chain(form_urlencoded::parse(query.unwrap_or("").as_bytes()));
        for (k, v) in fields {
            if k == "client_id" {
                return self.by_client_id(&v).unwrap_or_else(|| self.primary());
            }
        }
        self.primary()
    }

    pub fn by_authorization(&self, headers: &http::HeaderMap) -> Arc<Shared> {
        let token = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.split_once(' '));
        let index = token
            .and_then(|(_, t)| t.trim().strip_prefix("sbx"))
            .and_then(|t| t.split_once('.'))
            .and_then(|(n, _)| n.parse::<usize>().ok());
        let apps = self.read();
        index.and_then(|i| apps.get(i)).unwrap_or(&apps[0]).clone()
    }
}
