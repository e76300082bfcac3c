//! `generator import-doc`: reference pages → OpenAPI operations.
//!
//! Fixture pages (tests/fixtures/pages/) cover the three description layouts the reference uses:
//! the seed page and `*-newest.txt`/`*-binary.txt` (Definition / Constraints / Range / Default
//! Value), `*-oneline.txt` (one-line descriptions) and `*-minmax.txt` (`Minimum:` / `Maximum:` /
//! `Default:` lines); and what real pages have beside them: `*-nested-arrays.txt` (types in
//! bracket notation, `Array<Array<>>`) and `*-empty-status.txt` (statuses listed without a
//! description).

use std::path::{Path, PathBuf};

use secmaster_codegen::import_doc::{import_page, merge_into, run, to_yaml, ImportOptions, Value};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn page_path(name: &str) -> PathBuf {
    manifest_dir().join("tests/fixtures/pages").join(name)
}

fn page(name: &str) -> String {
    std::fs::read_to_string(page_path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn spec_path() -> PathBuf {
    manifest_dir().join("../spec/workflows.yaml")
}

/// Imports a page, checks the YAML is a valid openapiv3 document, and returns both.
fn import(text: &str, options: &ImportOptions) -> (Value, String) {
    let doc = import_page(text, options).unwrap_or_else(|e| panic!("import failed: {e}"));
    let yaml = to_yaml(&doc);
    assert_valid_openapi(&yaml);
    assert!(!yaml.contains("null"), "no nulls in the output:\n{yaml}");
    assert!(!yaml.contains("{}"), "no empty maps in the output:\n{yaml}");
    (doc, yaml)
}

fn import_fixture(name: &str) -> (Value, String) {
    import(&page(name), &ImportOptions::default())
}

fn assert_valid_openapi(yaml: &str) {
    if let Err(e) = serde_yaml::from_str::<openapiv3::OpenAPI>(yaml) {
        panic!("not a valid OpenAPI document: {e}\n{yaml}");
    }
}

/// Follows `v[k0][k1]...`.
fn at<'v>(v: &'v Value, keys: &[&str]) -> &'v Value {
    keys.iter().fold(v, |v, k| match v {
        Value::Sequence(seq) => k
            .parse::<usize>()
            .ok()
            .and_then(|i| seq.get(i))
            .unwrap_or(&Value::Null),
        _ => v.get(*k).unwrap_or(&Value::Null),
    })
}

/// Replaces a `$ref` to this document's components by what it points to.
fn resolve<'v>(doc: &'v Value, v: &'v Value) -> &'v Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let keys: Vec<&str> = r.trim_start_matches("#/").split('/').collect();
            resolve(doc, at(doc, &keys))
        }
        None => v,
    }
}

fn keys(v: &Value) -> Vec<String> {
    v.as_mapping()
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A schema's structure, descriptions left out: `type/format`, items, properties, required.
fn shape(doc: &Value, schema: &Value) -> String {
    let schema = resolve(doc, schema);
    let mut out = String::new();
    if let Some(all) = schema.get("allOf").and_then(Value::as_sequence) {
        // Merge allOf parts into one property list.
        let mut merged = serde_yaml::Mapping::new();
        let mut props = serde_yaml::Mapping::new();
        for part in all {
            let part = resolve(doc, part);
            if let Some(p) = part.get("properties").and_then(Value::as_mapping) {
                props.extend(p.clone());
            }
        }
        merged.insert("type".into(), "object".into());
        merged.insert("properties".into(), Value::Mapping(props));
        return shape(doc, &Value::Mapping(merged));
    }
    out.push_str(schema.get("type").and_then(Value::as_str).unwrap_or("?"));
    if let Some(f) = schema.get("format").and_then(Value::as_str) {
        out.push('/');
        out.push_str(f);
    }
    if let Some(items) = schema.get("items") {
        out.push_str(&format!("[{}]", shape(doc, items)));
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_mapping) {
        let mut fields: Vec<String> = props
            .iter()
            .map(|(k, v)| format!("{}: {}", k.as_str().unwrap_or("?"), shape(doc, v)))
            .collect();
        fields.sort();
        out.push_str(&format!("{{{}}}", fields.join(", ")));
    }
    if let Some(req) = schema.get("required").and_then(Value::as_sequence) {
        let mut req: Vec<&str> = req.iter().filter_map(Value::as_str).collect();
        req.sort_unstable();
        out.push_str(&format!(" required={req:?}"));
    }
    out
}

/// An operation's structure, descriptions and names left out.
fn operation_shape(doc: &Value, path: &str, method: &str) -> String {
    let op = at(doc, &["paths", path, method]);
    assert!(!op.is_null(), "{method} {path} missing");
    let mut out = Vec::new();
    let mut params: Vec<String> = op
        .get("parameters")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .map(|p| {
            let p = resolve(doc, p);
            format!(
                "param {} in {} required={} {}",
                at(p, &["name"]).as_str().unwrap_or("?"),
                at(p, &["in"]).as_str().unwrap_or("?"),
                at(p, &["required"]).as_bool().unwrap_or(false),
                shape(doc, at(p, &["schema"]))
            )
        })
        .collect();
    params.sort();
    out.extend(params);
    if let Some(rb) = op.get("requestBody") {
        out.push(format!(
            "body required={}",
            at(rb, &["required"]).as_bool().unwrap_or(false)
        ));
        for (media, m) in at(rb, &["content"]).as_mapping().into_iter().flatten() {
            out.push(format!(
                "  {}: {}",
                media.as_str().unwrap_or("?"),
                shape(doc, at(m, &["schema"]))
            ));
        }
    }
    for (status, r) in at(op, &["responses"]).as_mapping().into_iter().flatten() {
        out.push(format!("response {}", status.as_str().unwrap_or("?")));
        for (media, m) in at(r, &["content"]).as_mapping().into_iter().flatten() {
            out.push(format!(
                "  {}: {}",
                media.as_str().unwrap_or("?"),
                shape(doc, at(m, &["schema"]))
            ));
        }
    }
    out.join("\n")
}

/// `spec/workflows.yaml` as one document, the way an imported page is written: with the shared
/// components of `spec/common.yaml` in its `components` and every reference local.
fn spec() -> Value {
    let local = |path: PathBuf| -> Value {
        let text = std::fs::read_to_string(&path).expect("spec file");
        serde_yaml::from_str(&text.replace("'common.yaml#/", "'#/")).expect("spec file is YAML")
    };
    let mut spec = local(spec_path());
    let common = local(manifest_dir().join("../spec/common.yaml"));
    let shared = common["components"].as_mapping().expect("components");
    let components = spec["components"].as_mapping_mut().expect("components");
    for (section, entries) in shared {
        let target = components
            .entry(section.clone())
            .or_insert_with(|| Value::Mapping(Default::default()));
        for (name, component) in entries.as_mapping().expect("section") {
            target
                .as_mapping_mut()
                .expect("section")
                .insert(name.clone(), component.clone());
        }
    }
    spec
}

const SEED: &str = "importing-workflow-information.txt";
const IMPORT_PATH: &str = "/v1/{project_id}/workspaces/{workspace_id}/soc/workflows/import";

// ---------------------------------------------------------------------------------------------
// The seed page.

#[test]
fn seed_page_snapshot() {
    let (_, yaml) = import_fixture(SEED);
    insta::assert_snapshot!("seed_page", yaml);
}

#[test]
fn seed_page_is_the_operation_spec_has() {
    let (doc, _) = import_fixture(SEED);
    let spec = spec();
    let spec_op = at(&spec, &["paths", IMPORT_PATH, "post"]);
    assert_eq!(
        at(spec_op, &["operationId"]).as_str(),
        Some("ImportAopworkflow")
    );
    // Same path, method, parameters, body and responses, structurally.
    let ours = operation_shape(&doc, IMPORT_PATH, "post");
    assert_eq!(ours, operation_shape(&spec, IMPORT_PATH, "post"));
    insta::assert_snapshot!("seed_page_shape", ours);
    // The multipart body: `uploadFile`, binary, required.
    let body = at(&doc, &["paths", IMPORT_PATH, "post", "requestBody"]);
    assert_eq!(at(body, &["required"]).as_bool(), Some(true));
    let schema = at(body, &["content", "multipart/form-data", "schema"]);
    assert_eq!(
        at(schema, &["properties", "uploadFile", "format"]).as_str(),
        Some("binary")
    );
    assert_eq!(at(schema, &["required", "0"]).as_str(), Some("uploadFile"));
    // Auth is the security scheme, not a header parameter; content-type is not a parameter.
    assert_eq!(at(&doc, &["security"]), at(&spec, &["security"]));
    let params = to_yaml(at(&doc, &["paths", IMPORT_PATH, "post", "parameters"]));
    assert!(!params.to_ascii_lowercase().contains("x-auth-token"));
    assert!(!params.to_ascii_lowercase().contains("content-type"));
}

#[test]
fn shared_components_are_the_specs() {
    // Identical components merge across spec files: these must match spec/ word for word.
    let (doc, _) = import_fixture(SEED);
    let spec = spec();
    for path in [
        ["components", "securitySchemes", "iam_token"],
        ["components", "parameters", "project_id"],
        ["components", "parameters", "workspace_id"],
        ["components", "schemas", "ErrorBody"],
    ] {
        assert_eq!(at(&doc, &path), at(&spec, &path), "{path:?}");
    }
    assert_eq!(at(&doc, &["servers"]), at(&spec, &["servers"]));
}

#[test]
fn operation_id_override() {
    let options = ImportOptions {
        operation_id: Some("ImportWorkflowFile".into()),
    };
    let (doc, _) = import(&page(SEED), &options);
    assert_eq!(
        at(&doc, &["paths", IMPORT_PATH, "post", "operationId"]).as_str(),
        Some("ImportWorkflowFile")
    );
    // Without the option: the official name of the operation at that method and path.
    let (doc, _) = import_fixture(SEED);
    assert_eq!(
        at(&doc, &["paths", IMPORT_PATH, "post", "operationId"]).as_str(),
        Some("ImportAopworkflow")
    );
}

// ---------------------------------------------------------------------------------------------
// Fixture pages in each layout.

#[test]
fn newest_layout_query_defaults_ranges_enums_nested() {
    let (doc, yaml) = import_fixture("listing-workflows-newest.txt");
    insta::assert_snapshot!("listing_workflows_newest", yaml);
    let path = "/v1/{project_id}/workspaces/{workspace_id}/soc/workflows";
    let params = at(&doc, &["paths", path, "get", "parameters"]);
    let offset = at(params, &["2", "schema"]);
    assert_eq!(at(offset, &["default"]).as_i64(), Some(0));
    assert_eq!(at(offset, &["maximum"]).as_i64(), Some(10000));
    let order = at(params, &["4", "schema"]);
    assert_eq!(keys(order), ["type", "enum", "default"]);
    assert_eq!(at(order, &["enum", "1"]).as_str(), Some("DESC"));
    let name = at(params, &["7", "schema"]);
    assert_eq!(at(name, &["maxLength"]).as_i64(), Some(64));
    // Array of objects, and an object nested in it.
    let info = at(&doc, &["components", "schemas", "AopWorkflowInfo"]);
    assert_eq!(
        at(info, &["properties", "creator", "$ref"]).as_str(),
        Some("#/components/schemas/CreatorInfo")
    );
    assert_eq!(
        at(info, &["properties", "labels", "items", "enum", "2"]).as_str(),
        Some("DOMAIN")
    );
    // 403 is listed without tables: a response with only its description.
    assert_eq!(
        keys(at(&doc, &["paths", path, "get", "responses", "403"])),
        ["description"]
    );
}

#[test]
fn oneline_layout_nested_arrays_of_objects() {
    let (doc, yaml) = import_fixture("listing-playbook-versions-oneline.txt");
    insta::assert_snapshot!("listing_playbook_versions_oneline", yaml);
    let path = "/v1/{project_id}/workspaces/{workspace_id}/soc/playbooks/{playbook_id}/versions";
    let op = at(&doc, &["paths", path, "get"]);
    // A path parameter other than the shared two is inline.
    assert_eq!(
        at(op, &["parameters", "2", "name"]).as_str(),
        Some("playbook_id")
    );
    assert_eq!(at(op, &["parameters", "2", "in"]).as_str(), Some("path"));
    assert_eq!(
        at(op, &["parameters", "5", "required"]).as_bool(),
        Some(true)
    );
    let version = at(&doc, &["components", "schemas", "PlaybookVersionInfo"]);
    assert_eq!(
        at(version, &["properties", "rules", "items", "$ref"]).as_str(),
        Some("#/components/schemas/RuleInfo")
    );
    // The X-Auth-Token header (a two-paragraph description) is the security scheme, not a parameter.
    assert!(!to_yaml(at(op, &["parameters"])).contains("X-Auth-Token"));
}

/// Types in bracket notation, as the SIEM analysis pages write them: `Array<Array<>>` (rows of
/// mixed values) is an array of arrays of any JSON value; `Array<String>` an array of strings.
#[test]
fn bracket_notation_arrays_of_any_value() {
    let (doc, yaml) = import_fixture("running-search-analysis-nested-arrays.txt");
    insta::assert_snapshot!("running_search_analysis_nested_arrays", yaml);
    let path = "/v1/{project_id}/workspaces/{workspace_id}/siem/search/analysis";
    let op = at(&doc, &["paths", path, "post"]);
    assert_eq!(
        at(op, &["operationId"]).as_str(),
        Some("CreateSearchAnalysis")
    );
    insta::assert_snapshot!(
        "running_search_analysis_nested_arrays_shape",
        operation_shape(&doc, path, "post")
    );
    let ok = resolve(
        &doc,
        at(
            op,
            &["responses", "200", "content", "application/json", "schema"],
        ),
    );
    let rows = at(ok, &["properties", "datarows"]);
    assert_eq!(at(rows, &["type"]).as_str(), Some("array"));
    assert_eq!(at(rows, &["items", "type"]).as_str(), Some("array"));
    // A cell: any JSON value, so no `type` (and a description, so not an empty map).
    let cell = at(rows, &["items", "items"]);
    assert_eq!(keys(cell), ["description"]);
    let body = resolve(
        &doc,
        at(
            op,
            &["requestBody", "content", "application/json", "schema"],
        ),
    );
    assert_eq!(
        shape(&doc, at(body, &["properties", "group_by"])),
        "array[string]"
    );
    // The row of mixed values and the example agree with what the generator makes of them.
    assert_eq!(
        at(
            &doc,
            &[
                "paths",
                path,
                "post",
                "responses",
                "200",
                "content",
                "application/json",
                "example",
                "datarows",
                "0",
                "1"
            ]
        )
        .as_u64(),
        Some(12)
    );
}

/// A status listed without a description (real pages have them) gets a neutral one: the HTTP
/// reason phrase of its code.
#[test]
fn a_status_without_a_description_gets_a_neutral_one() {
    let (doc, yaml) = import_fixture("deleting-search-condition-empty-status.txt");
    insta::assert_snapshot!("deleting_search_condition_empty_status", yaml);
    let path = "/v1/{project_id}/workspaces/{workspace_id}/siem/search/conditions/{condition_id}";
    let responses = at(&doc, &["paths", path, "delete", "responses"]);
    assert_eq!(keys(responses), ["200", "400", "500"]);
    let description = |status: &str| at(responses, &[status, "description"]).as_str();
    assert_eq!(description("200"), Some("OK"));
    assert_eq!(description("400"), Some("Error response."));
    assert_eq!(description("500"), Some("Internal Server Error"));
}

#[test]
fn minmax_layout_body_enums_bounds_array_lengths() {
    let (doc, yaml) = import_fixture("searching-alerts-minmax.txt");
    insta::assert_snapshot!("searching_alerts_minmax", yaml);
    let path = "/v1/{project_id}/workspaces/{workspace_id}/soc/alerts/search";
    let body = at(
        &doc,
        &[
            "paths",
            path,
            "post",
            "requestBody",
            "content",
            "application/json",
            "schema",
        ],
    );
    assert_eq!(
        at(body, &["properties", "limit", "default"]).as_i64(),
        Some(10)
    );
    assert_eq!(
        at(body, &["properties", "limit", "maximum"]).as_i64(),
        Some(1000)
    );
    assert_eq!(
        at(body, &["properties", "from_date", "maxLength"]).as_i64(),
        Some(64)
    );
    assert_eq!(at(body, &["required", "0"]).as_str(), Some("from_date"));
    let lang = at(&doc, &["paths", path, "post", "parameters", "2", "schema"]);
    assert_eq!(at(lang, &["default"]).as_str(), Some("en-us"));
    let condition = at(&doc, &["components", "schemas", "Condition"]);
    assert_eq!(
        at(condition, &["properties", "conditions", "maxItems"]).as_i64(),
        Some(999)
    );
    assert_eq!(
        at(condition, &["properties", "logics", "items", "maxLength"]).as_i64(),
        Some(100)
    );
    let alert = at(&doc, &["components", "schemas", "AlertInfo"]);
    assert_eq!(
        at(alert, &["properties", "score", "maximum"]).as_f64(),
        Some(10.5)
    );
    assert_eq!(
        at(alert, &["properties", "severity", "enum", "4"]).as_str(),
        Some("Fatal")
    );
    // The 400 body is the shared ErrorBody, with the page's example.
    let bad = at(
        &doc,
        &[
            "paths",
            path,
            "post",
            "responses",
            "400",
            "content",
            "application/json",
        ],
    );
    assert_eq!(
        at(bad, &["schema", "$ref"]).as_str(),
        Some("#/components/schemas/ErrorBody")
    );
    assert_eq!(
        at(bad, &["example", "code"]).as_str(),
        Some("SecMaster.20010001")
    );
}

#[test]
fn binary_response() {
    let (doc, yaml) = import_fixture("exporting-workflows-binary.txt");
    insta::assert_snapshot!("exporting_workflows_binary", yaml);
    let path = "/v1/{project_id}/workspaces/{workspace_id}/soc/workflows/export";
    let ok = at(
        &doc,
        &["paths", path, "post", "responses", "200", "content"],
    );
    assert_eq!(keys(ok), ["application/octet-stream"]);
    let media = at(ok, &["application/octet-stream"]);
    assert_eq!(at(media, &["schema", "type"]).as_str(), Some("string"));
    assert_eq!(at(media, &["schema", "format"]).as_str(), Some("binary"));
    assert!(
        at(media, &["example"]).is_null(),
        "no example for a binary body"
    );
    // The responses have the structure of the spec's hand-written export.
    let responses = |doc: &Value| {
        let shape = operation_shape(doc, path, "post");
        shape[shape.find("response ").unwrap_or(0)..].to_string()
    };
    assert_eq!(responses(&doc), responses(&spec()));
}

/// Less common shapes, on a short page written here: no X-Auth-Token (so `security: []`), a `-`
/// row that is a whole JSON array body, several examples, prose constraints kept as text, Object
/// and Float types, a non-v1 path.
const ODD_PAGE: &str = "Querying Thing Tags

Function

Lists the tags of a thing.

URI

PUT /v2/{project_id}/things/{thing_id}/tags?verbose={verbose}

Table 1 Path Parameters

Parameter

Mandatory

Type

Description

project_id

Yes

String

Project ID.

thing_id

Yes

String

Definition

Thing ID.

Constraints

Must be a thing of this project.

Table 2 Query Parameters

Parameter

Mandatory

Type

Description

verbose

No

Boolean

Whether to include details.

Default: false

Request Parameters

Table 3 Request body parameters

Parameter

Mandatory

Type

Description

filter

No

Object

Free-form filter.

weight

No

Float

Weight of the query.

Minimum: 0.5

Maximum: 2

Response Parameters

Status code: 200

Table 4 Response body parameters

Parameter

Type

Description

-

Array of TagInfo objects

The tags.

Table 5 TagInfo

Parameter

Type

Description

key

String

Definition

Tag key.

Range

The value is the key as the user typed it.

Example Requests

First request.

{ \"filter\" : { \"a\" : 1 } }

Second request.

{ \"weight\" : 1.5 }

Example Responses

Status code: 200

Tags.

[ { \"key\" : \"env\" } ]

Status Codes

Status Code

Description

200

Tags.

404

No such thing.
";

#[test]
fn less_common_shapes() {
    let (doc, yaml) = import(ODD_PAGE, &ImportOptions::default());
    insta::assert_snapshot!("less_common_shapes", yaml);
    let op = at(
        &doc,
        &["paths", "/v2/{project_id}/things/{thing_id}/tags", "put"],
    );
    assert_eq!(at(op, &["security"]), &Value::Sequence(vec![]));
    assert_eq!(at(&doc, &["info", "version"]).as_str(), Some("v2"));
    let ok = at(op, &["responses", "200", "content", "application/json"]);
    assert_eq!(at(ok, &["schema", "type"]).as_str(), Some("array"));
    assert_eq!(at(ok, &["example", "0", "key"]).as_str(), Some("env"));
    let examples = at(
        op,
        &["requestBody", "content", "application/json", "examples"],
    );
    assert_eq!(keys(examples), ["example1", "example2"]);
    assert_eq!(
        at(examples, &["example2", "summary"]).as_str(),
        Some("Second request.")
    );
}

#[test]
fn output_is_deterministic() {
    for name in all_fixtures() {
        let a = import_fixture(&name).1;
        let b = import_fixture(&name).1;
        assert_eq!(a, b, "{name}");
    }
}

fn all_fixtures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(manifest_dir().join("tests/fixtures/pages"))
        .expect("fixtures")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    names
}

// ---------------------------------------------------------------------------------------------
// Pages that cannot be read.

fn import_error(text: &str) -> String {
    match import_page(text, &ImportOptions::default()) {
        Ok(doc) => panic!("expected an error, got:\n{}", to_yaml(&doc)),
        Err(e) => format!("PAGE.txt:{}: {}", e.line, e.message),
    }
}

/// The seed page with `from` replaced by `to` (exactly once).
fn seed_with(from: &str, to: &str) -> String {
    let seed = page(SEED);
    assert_eq!(
        seed.matches(from).count(),
        1,
        "`{from}` must occur once in the seed page"
    );
    seed.replacen(from, to, 1)
}

#[test]
fn error_no_uri_line() {
    let text = seed_with(
        "URI\n\nPOST /v1/{project_id}/workspaces/{workspace_id}/soc/workflows/import\n\n",
        "",
    );
    insta::assert_snapshot!("error_no_uri_line", import_error(&text));
}

#[test]
fn error_unknown_type() {
    let text = seed_with("uploadFile\n\nYes\n\nFile", "uploadFile\n\nYes\n\nBlob");
    insta::assert_snapshot!("error_unknown_type", import_error(&text));
}

#[test]
fn error_unknown_type_in_response_table() {
    let text = seed_with("request_id\n\nString", "request_id\n\nTimestamp");
    insta::assert_snapshot!("error_unknown_type_in_response_table", import_error(&text));
}

#[test]
fn error_nested_type_never_described() {
    let text = seed_with("success\n\nBoolean", "success\n\nResultInfo object");
    insta::assert_snapshot!("error_nested_type_never_described", import_error(&text));
}

#[test]
fn error_cases() {
    let seed = page(SEED);
    let cases: Vec<(&str, String)> = vec![
        ("empty page", String::new()),
        ("URI without method", seed_with("POST /v1/{project_id}", "/v1/{project_id}")),
        ("path parameter missing", seed_with("workspace_id\n\nYes\n\nString\n\nDefinition\n\nWorkspace ID.\n\nRange\n\nN/A\n\n", "")),
        ("path parameter not mandatory", seed_with("project_id\n\nYes", "project_id\n\nNo")),
        ("mandatory column", seed_with("uploadFile\n\nYes", "uploadFile\n\nRequired")),
        ("table header", seed_with("Table 3 FormData parameters\n\nParameter", "Table 3 FormData parameters\n\nName")),
        ("table title", seed_with("Table 3 FormData parameters", "Table 3 Form parameters")),
        (
            "unused nested table",
            seed.replacen(
                "Status code: 400",
                "Table 9 Orphan\n\nParameter\n\nType\n\nDescription\n\nid\n\nString\n\nID.\n\nStatus code: 400",
                1,
            ),
        ),
        ("status not listed", seed_with("400\n\nAbnormal response.", "")),
        ("no status codes", seed[..seed.find("Status Codes").unwrap_or(seed.len())].to_string()),
        ("bad JSON example", seed_with("\"uploadFile\" : \"Test.json\"", "\"uploadFile\" : Test.json")),
        ("unclosed JSON example", seed_with("  \"message\" : \"\"\n}", "  \"message\" : \"\"")),
        ("default of the wrong type", seed_with(
            "request_id\n\nString\n\nDefinition\n\nRequest ID.",
            "request_id\n\nInteger\n\nDefinition\n\nRequest ID.\n\nDefault Value\n\nx",
        )),
        ("Definition not first", seed_with("Definition\n\nWorkspace ID.", "Workspace ID.\n\nDefinition")),
        ("File in a JSON body", seed_with("Table 3 FormData parameters", "Table 3 Request body parameters")),
        ("request table after responses", seed_with("Status code: 400", "Table 9 Query Parameters\n\nParameter\n\nMandatory\n\nType\n\nDescription\n\nx\n\nNo\n\nString\n\nX.\n\nStatus code: 400")),
        ("stray text before a table", seed_with("Table 1 Path Parameters", "Some note.\n\nTable 1 Path Parameters")),
        ("Minimum on a Boolean", seed_with("Whether the request is successful.", "Whether the request is successful.\n\nMinimum: 1").replacen("Definition\n\nWhether", "Whether", 1)),
        ("enumeration values of the wrong type", page("searching-alerts-minmax.txt").replacen("order\n\nNo\n\nString", "order\n\nNo\n\nInteger", 1)),
    ];
    let mut out = String::new();
    for (name, text) in &cases {
        out.push_str(&format!("{name}:\n  {}\n", import_error(text)));
    }
    insta::assert_snapshot!("error_cases", out);
}

#[test]
fn invalid_operation_id_is_refused() {
    let options = ImportOptions {
        operation_id: Some("9 lives".into()),
    };
    let e = import_page(&page(SEED), &options).expect_err("invalid name");
    assert_eq!(e.line, 3);
    assert!(e.message.contains("--operation-id"), "{e}");
}

#[test]
fn never_panics_on_damaged_pages() {
    // Every prefix of every fixture, and every fixture with one line removed: an answer, no panic.
    for name in all_fixtures() {
        let text = page(&name);
        let lines: Vec<&str> = text.lines().collect();
        for n in 0..=lines.len() {
            let prefix = lines[..n].join("\n");
            if let Ok(doc) = import_page(&prefix, &ImportOptions::default()) {
                assert_valid_openapi(&to_yaml(&doc));
            }
            if n < lines.len() {
                let mut dropped = lines.clone();
                dropped.remove(n);
                if let Ok(doc) = import_page(&dropped.join("\n"), &ImportOptions::default()) {
                    assert_valid_openapi(&to_yaml(&doc));
                }
            }
        }
        // Odd bytes and characters.
        for junk in [
            "\u{feff}",
            "\t",
            "\u{a0}",
            "•",
            "Table",
            "Table 9",
            "Status code:",
            "{",
            "\"",
            "é",
        ] {
            let _ = import_page(&text.replace("String", junk), &ImportOptions::default());
            let _ = import_page(&format!("{junk}\n{text}"), &ImportOptions::default());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The command: printing, and merging with --into.

fn run_cli(args: &[&str]) -> (u8, String, String) {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(&args, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).expect("utf-8"),
        String::from_utf8(err).expect("utf-8"),
    )
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn cli_prints_the_document() {
    let seed = page_path(SEED);
    let (code, out, err) = run_cli(&[path_str(&seed)]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out, import_fixture(SEED).1);
    let (code, out, _) = run_cli(&[path_str(&seed), "--operation-id=ImportAopworkflow"]);
    assert_eq!(code, 0);
    assert!(out.contains("operationId: ImportAopworkflow"));
}

#[test]
fn cli_usage_and_errors() {
    let (code, out, _) = run_cli(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("usage: generator import-doc PAGE.txt"));
    let (code, _, err) = run_cli(&[]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("import-doc: expected the page to import"),
        "{err}"
    );
    let (code, _, err) = run_cli(&["page.txt", "--frobnicate"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("import-doc: unknown option `--frobnicate`"),
        "{err}"
    );
    let (code, _, err) = run_cli(&["page.txt", "--operation-id", "no spaces"]);
    assert_eq!(code, 1);
    assert!(err.contains("--operation-id `no spaces`"), "{err}");

    // A page error is `PAGE.txt:LINE: message`.
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, page(SEED).replace("URI\n", "")).expect("write");
    let (code, out, err) = run_cli(&[path_str(&bad)]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err.replace(path_str(&bad), "bad.txt"),
        "bad.txt:14: expected a `URI` line before the method and path\n"
    );
    let (code, _, err) = run_cli(&[path_str(&dir.path().join("missing.txt"))]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read the page"), "{err}");
}

/// A small spec file with comments, flow sequences and a folded string, to show they survive.
const MINI_SPEC: &str = r#"# Mini spec for the merge tests: comments and layout must survive.
openapi: 3.0.3
info:
  title: Mini
  version: v1
security:
  - iam_token: []
paths:
  # Workflows.
  /v1/{project_id}/workspaces/{workspace_id}/soc/workflows:
    post:
      operationId: CreateAopWorkflow
      tags: [workflows]
      responses:
        '200':
          description: Created.
# Shared pieces.
components:
  securitySchemes:
    iam_token:
      type: apiKey
      in: header
      name: X-Auth-Token
      description: >-
        IAM user token, the `X-Subject-Token` response header of IAM's "obtain a user token" API.
        The client sends it, or signs the request with an AK/SK pair instead.
  schemas:
    ErrorBody:
      type: object
      description: Error answer of SecMaster itself.
      properties:
        code:
          type: string
          description: Error code.
        message:
          type: string
          description: Error description.
# End.
"#;

fn temp_spec(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("mini.yaml");
    std::fs::write(&path, text).expect("write");
    (dir, path)
}

fn dir_listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}

#[test]
fn into_adds_a_method_under_an_existing_path_and_new_components() {
    let (dir, spec_file) = temp_spec(MINI_SPEC);
    let page_file = page_path("listing-workflows-newest.txt");
    let (code, out, err) = run_cli(&[path_str(&page_file), "--into", path_str(&spec_file)]);
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert!(
        out.ends_with(
            "added GET /v1/{project_id}/workspaces/{workspace_id}/soc/workflows (ListWorkflows)\n"
        ),
        "{out}"
    );
    let merged = std::fs::read_to_string(&spec_file).expect("read");
    assert_valid_openapi(&merged);
    // Everything that was there is still there, byte for byte, in order.
    let mut rest = merged.as_str();
    for line in MINI_SPEC.lines() {
        let at = rest
            .find(line)
            .unwrap_or_else(|| panic!("lost line `{line}`:\n{merged}"));
        rest = &rest[at + line.len()..];
    }
    insta::assert_snapshot!("into_mini_spec", merged);
    // Only the spec file is left in the directory (no temporary file).
    assert_eq!(dir_listing(dir.path()), ["mini.yaml"]);

    // Importing the same page again is refused, and the file is untouched.
    let (code, _, err) = run_cli(&[path_str(&page_file), "--into", path_str(&spec_file)]);
    assert_eq!(code, 1);
    assert_eq!(
        err.replace(path_str(&spec_file), "mini.yaml"),
        "mini.yaml: already has GET /v1/{project_id}/workspaces/{workspace_id}/soc/workflows (ListWorkflows); refusing to add it again\n"
    );
    assert_eq!(std::fs::read_to_string(&spec_file).expect("read"), merged);
}

#[test]
fn into_refuses_a_duplicate_operation_id() {
    let (_dir, spec_file) = temp_spec(MINI_SPEC);
    let (code, _, err) = run_cli(&[
        path_str(&page_path(SEED)),
        "--operation-id",
        "CreateAopWorkflow",
        "--into",
        path_str(&spec_file),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("already has an operation named CreateAopWorkflow (POST /v1/{project_id}/workspaces/{workspace_id}/soc/workflows)"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&spec_file).expect("read"),
        MINI_SPEC
    );
}

#[test]
fn into_refuses_a_component_with_different_content() {
    let (_dir, spec_file) =
        temp_spec(&MINI_SPEC.replace("description: Error code.", "description: The error code."));
    let before = std::fs::read_to_string(&spec_file).expect("read");
    let (code, _, err) = run_cli(&[path_str(&page_path(SEED)), "--into", path_str(&spec_file)]);
    assert_eq!(code, 1);
    assert_eq!(
        err.replace(path_str(&spec_file), "mini.yaml"),
        "mini.yaml: already has a component `schemas/ErrorBody` with different content; rename one of them (a nested table's title names its schema)\n"
    );
    assert_eq!(std::fs::read_to_string(&spec_file).expect("read"), before);
}

#[test]
fn into_the_real_spec() {
    let spec_text = std::fs::read_to_string(spec_path()).expect("spec");
    let (dir, spec_file) = temp_spec(&spec_text);
    // The seed page's operation is already there: refused, nothing written.
    let (code, _, err) = run_cli(&[path_str(&page_path(SEED)), "--into", path_str(&spec_file)]);
    assert_eq!(code, 1);
    assert!(err.contains("already has POST /v1/{project_id}/workspaces/{workspace_id}/soc/workflows/import (ImportAopworkflow)"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&spec_file).expect("read"),
        spec_text
    );

    // A page with a new path merges: the spec keeps everything it had and gains the operation.
    let page_file = page_path("searching-alerts-minmax.txt");
    let (code, _, err) = run_cli(&[path_str(&page_file), "--into", path_str(&spec_file)]);
    assert_eq!((code, err.as_str()), (0, ""));
    let merged_text = std::fs::read_to_string(&spec_file).expect("read");
    assert!(merged_text.starts_with(&spec_text[..spec_text.find("paths:").expect("paths")]));
    assert_valid_openapi(&merged_text);
    let merged: Value = serde_yaml::from_str(&merged_text).expect("yaml");
    let imported = import_fixture("searching-alerts-minmax.txt").0;
    let path = "/v1/{project_id}/workspaces/{workspace_id}/soc/alerts/search";
    assert_eq!(
        at(&merged, &["paths", path, "post"]),
        at(&imported, &["paths", path, "post"])
    );
    assert_eq!(
        at(&merged, &["components", "schemas", "AlertInfo"]),
        at(&imported, &["components", "schemas", "AlertInfo"])
    );
    let original: Value = serde_yaml::from_str(&spec_text).expect("yaml");
    for (p, item) in at(&original, &["paths"]).as_mapping().expect("paths") {
        assert_eq!(at(&merged, &["paths", p.as_str().expect("str")]), item);
    }
    assert_eq!(dir_listing(dir.path()), ["mini.yaml"]);
}

#[test]
fn merge_into_without_paths_or_components() {
    let doc = import_fixture(SEED).0;
    let merged = merge_into(
        "openapi: 3.0.3\ninfo:\n  title: Empty\n  version: v1\nsecurity:\n- iam_token: []\npaths: {}\n",
        &doc,
    )
    .expect("merge");
    assert_valid_openapi(&merged);
    let v: Value = serde_yaml::from_str(&merged).expect("yaml");
    assert_eq!(at(&v, &["paths"]), at(&doc, &["paths"]));
    assert_eq!(at(&v, &["components"]), at(&doc, &["components"]));
    // A file whose security is not iam_token cannot take the operation.
    let e = merge_into(
        "openapi: 3.0.3\ninfo:\n  title: E\n  version: v1\npaths: {}\n",
        &doc,
    )
    .expect_err("security");
    assert!(e.message.contains("top-level `security`"), "{e}");
}
