//! A real v1 file, as the v1 generator wrote it (`vectors/prf/deployment-profile.json` at
//! the last v1 commit, with evidence, deployment and trusted-key inputs as JSON text), reads
//! into the same vectors as the v2 file the v2 generator wrote from the same builders.

use trace_vector_format::load::parse;

#[test]
fn the_last_v1_file_reads_as_its_v2_successor() {
    let v1 = parse("v1", include_bytes!("data/deployment-profile.v1.json")).unwrap();
    let v2 = parse("v2", include_bytes!("data/deployment-profile.v2.json")).unwrap();
    assert!(
        v2.groups
            .iter()
            .any(|g| g.context.evidence.is_some() && !g.context.trusted_keys.is_empty())
    );
    assert!(v2.groups.iter().any(|g| g.context.deployment.is_some()));
    assert_eq!(v1, v2);
}
