//! A family file that refers to the shared components of `common.yaml`
//! (`common.yaml#/components/...`, in every relative form) gives the same client as one file that
//! holds them all, and the security scheme defined only in `common.yaml` applies to it.

use std::path::Path;

const CROSS_FILE: &str = "tests/fixtures/good_specs/cross_file";

fn render(config: secmaster_codegen::Config) -> String {
    let files = config.render().unwrap_or_else(|e| panic!("{e}"));
    // Every file, without the fingerprints (they hash the tokens, which name the spec files).
    files
        .iter()
        .flat_map(|f| f.contents.lines())
        .filter(|line| !line.starts_with("// fingerprint: "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn references_into_common_yaml_resolve_to_its_components() {
    let cross_file = render(secmaster_codegen::Config::new().spec_dir(CROSS_FILE));

    // The same components, referred to locally in one document.
    let scratch = tempfile::tempdir().unwrap();
    for name in ["common.yaml", "things.yaml"] {
        let text = std::fs::read_to_string(Path::new(CROSS_FILE).join(name)).unwrap();
        let local = text
            .replace("'../cross_file/common.yaml#", "'#")
            .replace("'./common.yaml#", "'#")
            .replace("'common.yaml#", "'#");
        assert!(!local.contains("common.yaml#"), "{name}");
        std::fs::write(scratch.path().join(name), local).unwrap();
    }
    let local = render(secmaster_codegen::Config::new().spec_dir(scratch.path()))
        .replace(&scratch.path().display().to_string(), CROSS_FILE);

    assert_eq!(cross_file, local);
    assert!(cross_file.contains("pub struct ErrorBody"));
    assert!(cross_file.contains("pub enum SortDirection"));
}

#[test]
fn the_security_scheme_of_common_yaml_applies_to_family_files() {
    let text = render(secmaster_codegen::Config::new().spec_dir(CROSS_FILE));
    // The `X-Auth-Token` header is the `iam_token` scheme's, supplied by the credentials: no
    // parameter of the operation.
    assert!(
        !text.to_ascii_lowercase().contains("x_auth_token"),
        "{text}"
    );
    assert!(!text.contains("X-Auth-Token"), "{text}");
}
