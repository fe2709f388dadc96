//! Ending what an adapter leaves behind. Every adapter process gets an instance token in its
//! environment (`TRACE_CONF_ADAPTER_INSTANCE`), which its children inherit; when the adapter
//! ends (shutdown, kill after a timeout, restart), every process still carrying the token is
//! killed, including children that left the process group with `setsid`. The command line
//! also makes itself a child subreaper (Linux), so orphans are re-parented to it rather than
//! to init, and [`end_orphans`] ends them when a run is over, token or not.
//!
//! Owns: tokens, the /proc scan, the subreaper flag and reaping. Does not own the adapter's
//! own process group (adapter.rs kills that first).
// Process groups, signals and reaping go through libc; each unsafe block says why it is sound.
#![allow(unsafe_code)]

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable holding an adapter's instance token.
pub const INSTANCE_ENV: &str = "TRACE_CONF_ADAPTER_INSTANCE";

static NEXT: AtomicU64 = AtomicU64::new(1);
/// Adapter processes started and not yet ended (their pids).
static LIVE: Mutex<BTreeSet<u32>> = Mutex::new(BTreeSet::new());
/// Children this process already had when it became a subreaper (inherited across exec):
/// not ours to end.
static INHERITED: Mutex<BTreeSet<u32>> = Mutex::new(BTreeSet::new());
/// Set by [`become_subreaper`]: only then are zombie children orphans to reap (in a library
/// they may be children other code is about to wait for).
static SUBREAPER: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// A token no other adapter carries, in this run or another (PID namespaces repeat pids):
/// 128 random bits from the kernel, with a counter for uniqueness within the process.
pub fn new_token() -> String {
    let mut random = [0u8; 16];
    if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
        let _ = std::io::Read::read_exact(&mut f, &mut random);
    }
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
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
    let me = std::process::id();
    let existing: BTreeSet<u32> = pids().into_iter().filter(|p| parent_of(*p) == Some(me)).collect();
    *INHERITED.lock().expect("lock") = existing;
    SUBREAPER.store(true, Ordering::SeqCst);
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

/// (state, parent) from /proc/<pid>/stat.
fn stat_of(pid: u32) -> Option<(char, u32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so start after the last ')'.
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace();
    let state = fields.next()?.chars().next()?;
    Some((state, fields.next()?.parse().ok()?))
}

fn parent_of(pid: u32) -> Option<u32> {
    stat_of(pid).map(|(_, parent)| parent)
}

/// Kills each victim and reaps those that are this process's children, waiting at most a
/// second in all: a process the kill could not reach (another user's, after `sudo`) is left,
/// never waited for.
fn kill_and_reap(victims: &[u32]) {
    let me = std::process::id();
    let mut to_reap = Vec::new();
    for pid in victims {
        // SAFETY: kill(2) on a pid read from /proc; a pid that is gone gives ESRCH.
        let killed = unsafe { libc::kill(*pid as i32, libc::SIGKILL) } == 0;
        if killed && parent_of(*pid) == Some(me) {
            to_reap.push(*pid);
        }
    }
    let until = std::time::Instant::now() + std::time::Duration::from_secs(1);
    while !to_reap.is_empty() && std::time::Instant::now() < until {
        // SAFETY: waitpid(2) with WNOHANG on our own children, which were sent SIGKILL.
        to_reap.retain(|pid| unsafe { libc::waitpid(*pid as i32, std::ptr::null_mut(), libc::WNOHANG) } == 0);
        if !to_reap.is_empty() {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}

/// Kills every process carrying `token`: what an ended adapter left running.
/// Orphans that exited during the run are this subreaper's zombies (their environment is
/// gone, so no token finds them): they are reaped here too, so a long run does not collect
/// them.
pub(crate) fn end_instance(token: &str) {
    let me = std::process::id();
    let live = LIVE.lock().expect("lock").clone();
    let inherited = INHERITED.lock().expect("lock").clone();
    let mut victims = Vec::new();
    for pid in pids() {
        if has_token(pid, token) {
            victims.push(pid);
        } else if SUBREAPER.load(Ordering::SeqCst)
            && stat_of(pid) == Some(('Z', me))
            && !live.contains(&pid)
            && !inherited.contains(&pid)
        {
            // SAFETY: waitpid(2) with WNOHANG on our own child, which has already exited.
            unsafe {
                libc::waitpid(pid as i32, std::ptr::null_mut(), libc::WNOHANG);
            }
        }
    }
    kill_and_reap(&victims);
}

/// Ends every child of this process that is not a live adapter: after a run, with this
/// process a subreaper, these are the orphans adapters left (even ones that cleared their
/// environment). Only for the command line, where the run's adapters are its only children.
pub fn end_orphans() {
    let me = std::process::id();
    let live = LIVE.lock().expect("lock").clone();
    let inherited = INHERITED.lock().expect("lock").clone();
    let victims: Vec<u32> = pids()
        .into_iter()
        .filter(|p| parent_of(*p) == Some(me) && !live.contains(p) && !inherited.contains(p))
        .collect();
    kill_and_reap(&victims);
}
