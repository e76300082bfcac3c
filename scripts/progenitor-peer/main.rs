//! progenitor as a library, the way its build.rs recipe uses it: read the YAML spec, generate
//! tokens, parse them with syn, format with prettyplease, write one file. Prints its own peak
//! resident set as `vmhwm_kib=N`, as the generation benchmark expects of a peer.
//! usage: progenitor-peer SPEC.yaml OUT_DIR

fn main() {
    let mut args = std::env::args().skip(1);
    let (spec, out) = match (args.next(), args.next()) {
        (Some(spec), Some(out)) => (spec, std::path::PathBuf::from(out)),
        _ => {
            eprintln!("usage: progenitor-peer SPEC.yaml OUT_DIR");
            std::process::exit(2);
        }
    };
    let text = std::fs::read_to_string(&spec).expect("read the spec");
    let spec: openapiv3::OpenAPI = serde_yaml::from_str(&text).expect("parse the spec");
    let mut generator = progenitor::Generator::default();
    let tokens = generator.generate_tokens(&spec).expect("generate");
    let file: syn::File = syn::parse2(tokens).expect("parse the generated tokens");
    let code = prettyplease::unparse(&file);
    std::fs::create_dir_all(&out).expect("create the output folder");
    std::fs::write(out.join("client.rs"), code).expect("write");
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .map(|v| v.trim().trim_end_matches("kB").trim().to_owned())
        .unwrap_or_default();
    println!("vmhwm_kib={peak}");
}
