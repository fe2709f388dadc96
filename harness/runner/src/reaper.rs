//! Ending what an adapter leaves behind. Every adapter process gets an instance token in its
//! environment (`TRACE_CONF_ADAPTER_INSTANCE`), which its children inherit; when the adapter
//! ends (shutdown, kill after a timeout, restart), every process still carrying the token is
//! killed, including children that left the process group with `setsid`. The command line
//! also makes itself a child subreaper (Linux), so orphans are re-parented to it rather than
//! to init, and [`end_orphans`] ends them when a run is over, token or not.
//!
//! Owns: tokens, the /proc scan, the subreaper flag and reaping. Does not own the adapter's
//! own process group (adapter.rs kills that first).

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable holding an adapter's instance token.
pub const INSTANCE_ENV: &str = "TRACE_CONF_ADAPTER_INSTANCE";

static NEXT: AtomicU64 = AtomicU64::new(1);
/// Adapter processes started and not yet ended (their pids).
static LIVE: Mutex<BTreeSet<u32>> = Mutex::new(BTreeSet::new());

/// A token no other adapter of this process, or of another run, carries.
pub fn new_token() -> String {
    format!("{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

pub(crate) fn register(pid: u32) {
    LIVE.lock().expect("lock").insert(pid);
}

pub(crate) fn unregister(pid: u32) {
    LIVE.lock().expect("lock").remove(&pid);
}

/// Makes this process the reaper of its orphaned descendants (Linux; elsewhere nothing).
/// Called by the command line, not by libraries or tests sharing a process.
pub fn become_subreaper() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl(2) with PR_SET_CHILD_SUBREAPER takes one integer argument.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1 as libc::c_ulong, 0, 0, 0);
    }
}

/// Process ids in /proc (Linux), or none.
fn pids() -> Vec<u32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .filter(|p| *p != std::process::id())
        .collect()
}

fn has_token(pid: u32, token: &str) -> bool {
    let needle = format!("{INSTANCE_ENV}={token}");
    std::fs::read(format!("/proc/{pid}/environ"))
        .is_ok_and(|env| env.split(|b| *b == 0).any(|kv| kv == needle.as_bytes()))
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so start after the last ')'.
    stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()
}

fn kill_and_reap(victims: &[u32]) {
    for pid in victims {
        // SAFETY: kill(2) on a pid read from /proc; a pid that is gone gives ESRCH.
        unsafe {
            libc::kill(*pid as i32, libc::SIGKILL);
        }
    }
    let me = std::process::id();
    for pid in victims {
        if parent_of(*pid) == Some(me) {
            // SAFETY: waitpid(2) on our own child, which was just sent SIGKILL.
            unsafe {
                libc::waitpid(*pid as i32, std::ptr::null_mut(), 0);
            }
        }
    }
}

/// Kills every process carrying `token`: what an ended adapter left running.
pub(crate) fn end_instance(token: &str) {
    let victims: Vec<u32> = pids().into_iter().filter(|p| has_token(*p, token)).collect();
    kill_and_reap(&victims);
}

/// Ends every child of this process that is not a live adapter: after a run, with this
/// process a subreaper, these are the orphans adapters left (even ones that cleared their
/// environment). Only for the command line, where the run's adapters are its only children.
pub fn end_orphans() {
    let me = std::process::id();
    let live = LIVE.lock().expect("lock").clone();
    let victims: Vec<u32> = pids()
        .into_iter()
        .filter(|p| parent_of(*p) == Some(me) && !live.contains(p))
        .collect();
    kill_and_reap(&victims);
}
