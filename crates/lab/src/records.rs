//! The last handshakes, kept so `GET /last?id=` can explain a failure the browser
//! only reports as 1006.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::json;

/// One handshake as it happened.
#[derive(Debug)]
pub struct Record {
    /// The `id` the client put in the query, if any.
    pub id: Option<String>,
    pub peer: SocketAddr,
    /// The request-target as sent.
    pub target: String,
    /// The status the lab answered with.
    pub status: u16,
    /// The request head exactly as received.
    pub request: Vec<u8>,
    /// The response head (and body) exactly as sent.
    pub response: Vec<u8>,
    /// The core's lint report of request and response, as JSON.
    pub lint: String,
    /// What the lab did and why, in one sentence.
    pub note: String,
    pub unix_ms: u128,
}

impl Record {
    pub fn new(peer: SocketAddr, target: &str, id: Option<&str>) -> Record {
        Record {
            id: id.map(str::to_owned),
            peer,
            target: target.to_owned(),
            status: 0,
            request: Vec::new(),
            response: Vec::new(),
            lint: "null".to_owned(),
            note: String::new(),
            unix_ms: SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis()),
        }
    }

    /// `{"id","peer","target","status","note","request","response","lint","unix_ms"}`.
    pub fn to_json(&self) -> String {
        format!(
            "{{\"id\":{},\"peer\":{},\"target\":{},\"status\":{},\"note\":{},\
             \"request\":{},\"response\":{},\"lint\":{},\"unix_ms\":{}}}",
            json::opt_string(self.id.as_deref()),
            json::string(&self.peer.to_string()),
            json::string(&self.target),
            self.status,
            json::string(&self.note),
            json::wire(&self.request),
            json::wire(&self.response),
            self.lint,
            self.unix_ms,
        )
    }
}

/// A bounded ring of records, newest last.
#[derive(Debug)]
pub struct Records {
    ring: Mutex<VecDeque<Arc<Record>>>,
    capacity: usize,
}

impl Records {
    pub fn new(capacity: usize) -> Records {
        Records { ring: Mutex::new(VecDeque::with_capacity(capacity)), capacity }
    }

    /// Keeps `record`, dropping the oldest when full.
    pub fn push(&self, record: Arc<Record>) {
        let mut ring = self.ring.lock().unwrap_or_else(|e| e.into_inner());
        if ring.len() == self.capacity {
            ring.pop_front();
        }
        ring.push_back(record);
    }

    /// The newest record with `id`, or the newest of all when `id` is `None`.
    pub fn find(&self, id: Option<&str>) -> Option<Arc<Record>> {
        let ring = self.ring.lock().unwrap_or_else(|e| e.into_inner());
        ring.iter().rev().find(|r| id.is_none() || r.id.as_deref() == id).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest() {
        let records = Records::new(2);
        let peer: SocketAddr = "127.0.0.1:1".parse().expect("an address");
        for id in ["a", "b", "c"] {
            records.push(Arc::new(Record::new(peer, "/echo", Some(id))));
        }
        assert!(records.find(Some("a")).is_none());
        assert_eq!(records.find(Some("b")).and_then(|r| r.id.clone()).as_deref(), Some("b"));
        assert_eq!(records.find(None).and_then(|r| r.id.clone()).as_deref(), Some("c"));
    }
}
