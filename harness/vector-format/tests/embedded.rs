//! The vector set embedded at build time is exactly the committed one (so an installed
//! binary runs the same suite as a checkout).

use trace_vector_format::load;

#[test]
fn the_embedded_set_equals_the_committed_files() {
    let on_disk = load::load_dir(&load::default_dir()).expect("committed vectors");
    let embedded = load::load_embedded().expect("embedded vectors");
    assert_eq!(on_disk.len(), embedded.len());
    assert_eq!(load::embedded_files(), embedded.len());
    for ((_, a), (_, b)) in on_disk.iter().zip(&embedded) {
        assert_eq!(a, b, "{}/{}", a.module, a.topic);
    }
}

#[test]
fn a_directory_and_the_binary_embedding_it_have_one_digest() {
    let embedded = load::embedded_set().unwrap().info;
    let dir = load::dir_set(&load::default_dir()).unwrap().info;
    assert_eq!(embedded.digest, dir.digest);
    assert!(embedded.digest.starts_with("sha256:") && embedded.digest.len() == 7 + 64);
    assert_eq!((embedded.files, embedded.vectors), (dir.files, dir.vectors));
    assert_eq!(embedded.source, "embedded");
    // One changed byte changes the digest.
    let tmp = tempfile::tempdir().unwrap();
    for (p, _) in load::load_dir(&load::default_dir()).unwrap() {
        let rel = p.strip_prefix(load::default_dir()).unwrap();
        std::fs::create_dir_all(tmp.path().join(rel).parent().unwrap()).unwrap();
        std::fs::copy(&p, tmp.path().join(rel)).unwrap();
    }
    assert_eq!(load::dir_set(tmp.path()).unwrap().info.digest, embedded.digest);
    let first = load::load_dir(tmp.path()).unwrap()[0].0.clone();
    let mut bytes = std::fs::read(&first).unwrap();
    bytes.push(b'\n');
    std::fs::write(&first, bytes).unwrap();
    assert_ne!(load::dir_set(tmp.path()).unwrap().info.digest, embedded.digest);
}
