//! A local DNS server (UDP on 127.0.0.1) answering from a small zone the
//! test writes: TXT and MX records by name, NXDOMAIN for a name it does not
//! hold, SERVFAIL for the names it is told to fail. It runs on a thread of
//! its own, so a test can point a separate process at it.

use std::collections::BTreeMap;
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use hickory_proto::op::{Message, MessageType, ResponseCode};
use hickory_proto::rr::rdata::{MX, TXT};
use hickory_proto::rr::{Name, RData, Record, RecordType};

/// One record of the zone.
#[derive(Debug, Clone)]
pub enum Answer {
    /// A TXT record of one string.
    Txt(String),
    /// An MX record: preference and mail server.
    Mx(u16, String),
}

/// The running server; it stops when dropped.
#[derive(Debug)]
pub struct Dns {
    address: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Dns {
    /// Serves `zone` (names without the trailing dot, any case); each name
    /// in `failing` is answered SERVFAIL, as a broken server would.
    pub fn start(zone: &[(&str, Answer)], failing: &[&str]) -> Dns {
        let mut records: BTreeMap<String, Vec<Answer>> = BTreeMap::new();
        for (name, answer) in zone {
            records.entry(key(name)).or_default().push(answer.clone());
        }
        let failing: Vec<String> = failing.iter().map(|name| key(name)).collect();
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind the DNS server");
        socket.set_read_timeout(Some(Duration::from_millis(50))).expect("set a read timeout");
        let address = socket.local_addr().expect("the DNS server's address");
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while !stopped.load(Ordering::Relaxed) {
                let Ok((length, from)) = socket.recv_from(&mut buffer) else { continue };
                let Ok(query) = Message::from_vec(&buffer[..length]) else { continue };
                if let Ok(bytes) = answer(&query, &records, &failing).to_vec() {
                    let _ = socket.send_to(&bytes, from);
                }
            }
        });
        Dns { address, stop, thread: Some(thread) }
    }

    /// `127.0.0.1:port`, as a source's `nameservers` entry.
    pub fn address(&self) -> String {
        self.address.to_string()
    }
}

impl Drop for Dns {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn key(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

fn answer(query: &Message, records: &BTreeMap<String, Vec<Answer>>, failing: &[String]) -> Message {
    let mut response = Message::response(query.metadata.id, query.metadata.op_code);
    response.metadata.message_type = MessageType::Response;
    response.metadata.authoritative = true;
    response.metadata.recursion_desired = query.metadata.recursion_desired;
    response.metadata.recursion_available = true;
    response.add_queries(query.queries.clone());
    let Some(question) = query.queries.first() else {
        response.metadata.response_code = ResponseCode::FormErr;
        return response;
    };
    let name = key(&question.name().to_ascii());
    if failing.contains(&name) {
        response.metadata.response_code = ResponseCode::ServFail;
        return response;
    }
    let Some(held) = records.get(&name) else {
        response.metadata.response_code = ResponseCode::NXDomain;
        return response;
    };
    for record in held {
        let data = match (record, question.query_type()) {
            (Answer::Txt(text), RecordType::TXT) => RData::TXT(TXT::new(vec![text.clone()])),
            (Answer::Mx(preference, server), RecordType::MX) => {
                RData::MX(MX::new(*preference, Name::from_ascii(format!("{server}.")).expect("a mail server name")))
            }
            _ => continue,
        };
        response.add_answer(Record::from_rdata(question.name().clone(), 300, data));
    }
    response
}
