//! The vector set embedded at build time is exactly the committed one (so an installed
//! binary runs the same suite as a checkout).

use trace_vectors::load;

#[test]
fn the_embedded_set_equals_the_committed_files() {
    let on_disk = load::load_dir(&load::default_dir()).expect("committed vectors");
    let embedded = load::load_embedded().expect("embedded vectors");
    assert_eq!(on_disk.len(), embedded.len());
    assert_eq!(load::embedded_files(), embedded.len());
    for ((_, a), (_, b)) in on_disk.iter().zip(&embedded) {
        assert_eq!(a, b, "{}/{}", a.module, a.topic);
    }
    assert!(load::SET_ID.starts_with("fnv1a64:"));
}
