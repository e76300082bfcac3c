//! Holds every operation of `spec/` against Huawei's published definitions: the facts table
//! `tests/data/secmaster-api-facts.json` (method, path, parameters, bodies, answers and named types
//! as Huawei's official SDK defines them; facts only, no descriptions).
//!
//! Checked per operation: the operationId is the official name (v2 operations whose name also exists
//! in v1 carry the suffix `V2`); method and path; each parameter's name, place and required flag
//! (the content-type header aside: the spec carries it as the body's media type); JSON body, form
//! fields and answer, field by field down through nested types: names, JSON types, integer formats,
//! enumerated values and binary answers. The spec may add what the SDK does not know (enums where
//! the SDK says "string", descriptions, ranges, defaults); anything else that differs must be listed
//! in [`DEPARTURES`] with the reason, and every listed departure must still be needed.
//!
//! `SECMASTER_SPEC_DIR=path cargo test -p secmaster-codegen --test spec_conformance` checks another folder.

use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Deliberate departures from the SDK: (operationId, location, reason). The reference page wins
/// over the SDK for what it states.
const DEPARTURES: &[(&str, &str, &str)] = &[
    (
        "ChangeAlert",
        "body.data_object",
        "the SDK requires it; the ChangeAlert reference page marks it not mandatory, and a partial \
         update of an alert needs no data object",
    ),
    (
        "ShowPreProcessRulesList",
        "body.name",
        "the SDK has it optional; the reference page (all locales alike) marks it mandatory",
    ),
    (
        "ShowPreProcessRulesList",
        "body.mapping_id",
        "the SDK requires it; the reference page (all locales alike) marks it not mandatory",
    ),
    (
        "ListPipes",
        "query.pipe_id",
        "the SDK has it optional; the v1 reference page (Obtaining the Data Pipeline List) marks it \
         mandatory",
    ),
];

/// How deep nested types are followed; the SDK's deepest shape is far shallower.
const MAX_DEPTH: usize = 24;

struct Facts {
    operations: Vec<Value>,
    types: Map<String, Value>,
}

fn facts() -> Facts {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/secmaster-api-facts.json");
    let text = std::fs::read_to_string(&path).expect("the facts table is part of the repository");
    let mut value: Value = serde_json::from_str(&text).expect("the facts table is JSON");
    let operations = value["operations"].as_array().cloned().unwrap_or_default();
    let types = value["types"].as_object_mut().cloned().unwrap_or_default();
    Facts { operations, types }
}

/// The spec files, each parsed, plus every component by section and name (files share one
/// namespace, so `common.yaml#/components/schemas/X` and `#/components/schemas/X` are one thing).
struct Spec {
    files: Vec<(String, Value)>,
    components: BTreeMap<(String, String), Value>,
}

fn spec_dir() -> PathBuf {
    match std::env::var_os("SECMASTER_SPEC_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec"),
    }
}

fn spec() -> Spec {
    let dir = spec_dir();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .collect();
    paths.sort();
    let mut files = Vec::new();
    let mut components = BTreeMap::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let document: Value = serde_yaml::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not YAML: {e}", path.display()));
        if let Some(sections) = document.get("components").and_then(Value::as_object) {
            for (section, items) in sections {
                for (name, item) in items.as_object().into_iter().flatten() {
                    components.insert((section.clone(), name.clone()), item.clone());
                }
            }
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        files.push((name, document));
    }
    Spec { files, components }
}

impl Spec {
    /// Follows `$ref`s (local or to another spec file) to what they name.
    fn resolve<'a>(&'a self, mut value: &'a Value) -> &'a Value {
        for _ in 0..MAX_DEPTH {
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                return value;
            };
            let pointer = reference.split_once('#').map_or(reference, |(_, p)| p);
            let mut parts = pointer.trim_start_matches('/').split('/');
            let (Some("components"), Some(section), Some(name)) =
                (parts.next(), parts.next(), parts.next())
            else {
                panic!("unexpected reference {reference}");
            };
            value = self
                .components
                .get(&(section.to_owned(), name.to_owned()))
                .unwrap_or_else(|| panic!("dangling reference {reference}"));
        }
        panic!("reference chain longer than {MAX_DEPTH}");
    }

    /// A schema with references followed and `allOf` folded into one object.
    fn schema(&self, schema: &Value) -> Value {
        let schema = self.resolve(schema);
        let Some(parts) = schema.get("allOf").and_then(Value::as_array) else {
            return schema.clone();
        };
        if parts.len() == 1 {
            return self.schema(&parts[0]);
        }
        let mut properties = Map::new();
        for part in parts {
            let part = self.schema(part);
            if let Some(props) = part.get("properties").and_then(Value::as_object) {
                properties.extend(props.clone());
            }
        }
        serde_json::json!({"type": "object", "properties": properties})
    }

    /// A schema's name when it is a reference, to stop at cycles.
    fn ref_name(schema: &Value) -> Option<String> {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            return Some(r.rsplit('/').next().unwrap_or(r).to_owned());
        }
        let parts = schema.get("allOf").and_then(Value::as_array)?;
        match parts.as_slice() {
            [only] => Spec::ref_name(only),
            _ => None,
        }
    }
}

/// One difference, keyed for [`DEPARTURES`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Mismatch {
    operation: String,
    location: String,
    what: String,
}

struct Checker<'a> {
    facts: &'a Facts,
    spec: &'a Spec,
    operation: String,
    mismatches: Vec<Mismatch>,
    followed: BTreeSet<(String, String)>,
}

impl Checker<'_> {
    fn differ(&mut self, location: &str, what: String) {
        self.mismatches.push(Mismatch {
            operation: self.operation.clone(),
            location: location.to_owned(),
            what,
        });
    }

    fn fact_type<'f>(&'f self, schema: &'f Value) -> (&'f Value, Option<String>) {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(name) => (
                self.facts
                    .types
                    .get(name)
                    .unwrap_or_else(|| panic!("facts name an unknown type {name}")),
                Some(name.to_owned()),
            ),
            None => (schema, None),
        }
    }

    /// Compares the SDK's schema with the spec's at `location`.
    fn compare(&mut self, fact: &Value, spec: &Value, location: &str, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let (fact, fact_name) = self.fact_type(fact);
        let fact = fact.clone();
        if let (Some(f), Some(s)) = (&fact_name, Spec::ref_name(spec)) {
            if !self.followed.insert((f.clone(), s)) {
                return;
            }
        }
        let spec = self.spec.schema(spec);
        let fact_kind = fact.get("type").and_then(Value::as_str).unwrap_or("any");
        let spec_kind = spec_kind(&spec);
        match fact_kind {
            "any" => {}
            "object" => self.compare_object(&fact, &spec, spec_kind, location, depth),
            _ if spec_kind != fact_kind => self.differ(
                location,
                format!("SDK type {fact_kind}, spec type {spec_kind}"),
            ),
            "array" => {
                let items = spec.get("items").cloned().unwrap_or(Value::Null);
                self.compare(&fact["items"], &items, &format!("{location}[]"), depth + 1);
            }
            "string" | "integer" | "number" => self.compare_scalar(&fact, &spec, location),
            _ => {}
        }
    }

    fn compare_object(
        &mut self,
        fact: &Value,
        spec: &Value,
        spec_kind: &str,
        location: &str,
        depth: usize,
    ) {
        if spec_kind != "object" && spec_kind != "any" {
            return self.differ(location, format!("SDK type object, spec type {spec_kind}"));
        }
        if let Some(fact_values) = fact.get("additionalProperties") {
            match spec.get("additionalProperties") {
                Some(Value::Object(values)) if !values.is_empty() => {
                    let values = Value::Object(values.clone());
                    self.compare(fact_values, &values, &format!("{location}{{}}"), depth + 1);
                }
                Some(_) => {}
                None if spec.get("properties").is_none() => {}
                None => self.differ(location, "SDK map, spec object with fields".into()),
            }
            return;
        }
        let empty = Map::new();
        let fact_props = fact
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let spec_props = spec
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        if spec_props.is_empty() && spec_kind == "any" {
            return;
        }
        for (name, fact_prop) in fact_props {
            let here = join(location, name);
            match spec_props.get(name) {
                Some(spec_prop) => self.compare(fact_prop, spec_prop, &here, depth + 1),
                None => self.differ(&here, "field missing from the spec".into()),
            }
        }
        let required = |schema: &Value| -> BTreeSet<String> {
            let list = schema.get("required").and_then(Value::as_array);
            list.into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        };
        let (fact_required, spec_required) = (required(fact), required(spec));
        for name in fact_required.symmetric_difference(&spec_required) {
            let said = if spec_required.contains(name) {
                "required"
            } else {
                "optional"
            };
            self.differ(
                &join(location, name),
                format!("spec says the field is {said}"),
            );
        }
        for name in spec_props.keys().filter(|n| !fact_props.contains_key(*n)) {
            self.differ(&join(location, name), "field the SDK does not have".into());
        }
    }

    fn compare_scalar(&mut self, fact: &Value, spec: &Value, location: &str) {
        let format = |s: &Value| s.get("format").and_then(Value::as_str).map(str::to_owned);
        let (fact_format, spec_format) = (format(fact), format(spec));
        let binary = |f: &Option<String>| f.as_deref() == Some("binary");
        let integer_formats = ["int32", "int64"];
        let differs = if binary(&fact_format) || binary(&spec_format) {
            binary(&fact_format) != binary(&spec_format)
        } else {
            fact_format != spec_format
                && [&fact_format, &spec_format]
                    .iter()
                    .any(|f| f.as_deref().is_some_and(|f| integer_formats.contains(&f)))
        };
        if differs {
            self.differ(
                location,
                format!("SDK format {fact_format:?}, spec format {spec_format:?}"),
            );
        }
        if let Some(fact_enum) = fact.get("enum").and_then(Value::as_array) {
            let spec_enum = spec.get("enum").and_then(Value::as_array);
            let set = |values: &Vec<Value>| -> BTreeSet<String> {
                values.iter().map(|v| v.to_string()).collect()
            };
            match spec_enum {
                Some(spec_enum) if set(spec_enum) == set(fact_enum) => {}
                Some(spec_enum) => self.differ(
                    location,
                    format!(
                        "SDK values {:?}, spec values {:?}",
                        set(fact_enum),
                        set(spec_enum)
                    ),
                ),
                None => self.differ(location, "SDK enum, spec without values".into()),
            }
        }
    }
}

fn join(location: &str, name: &str) -> String {
    if location.is_empty() {
        name.to_owned()
    } else {
        format!("{location}.{name}")
    }
}

/// The JSON type a spec schema describes, `any` when it says none.
fn spec_kind(schema: &Value) -> &str {
    match schema.get("type").and_then(Value::as_str) {
        Some(kind) => kind,
        None if schema.get("properties").is_some() => "object",
        None if schema.get("items").is_some() => "array",
        None => "any",
    }
}

/// The operationId the spec must use for an SDK operation (see `generator coverage`).
fn official_id(operation: &Value, all: &[Value]) -> String {
    let name = operation["name"].as_str().unwrap();
    let in_v1 = all
        .iter()
        .any(|o| o["name"] == operation["name"] && o["version"] == "v1");
    if operation["version"] == "v2" && in_v1 {
        format!("{name}V2")
    } else {
        name.to_owned()
    }
}

fn blank_placeholders(path: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for c in path.chars() {
        match c {
            '{' => (skipping, out) = (true, out + "{"),
            '}' => (skipping, out) = (false, out + "}"),
            _ if skipping => {}
            _ => out.push(c),
        }
    }
    out
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "head", "options"];

/// The first 2xx answer of a spec operation and its content.
fn success_answer<'a>(spec: &'a Spec, operation: &'a Value) -> Option<&'a Value> {
    let responses = operation.get("responses")?.as_object()?;
    let (_, answer) = responses.iter().find(|(code, _)| code.starts_with('2'))?;
    Some(spec.resolve(answer))
}

fn check_operation(checker: &mut Checker, fact: &Value, path_item: &Value, operation: &Value) {
    let spec = checker.spec;
    // Parameters: the operation's own and the path item's, by (place, name).
    let mut declared: BTreeMap<(String, String), Value> = BTreeMap::new();
    for list in [path_item.get("parameters"), operation.get("parameters")] {
        for parameter in list.and_then(Value::as_array).into_iter().flatten() {
            let parameter = spec.resolve(parameter);
            let place = parameter["in"].as_str().unwrap_or("").to_owned();
            let name = parameter["name"].as_str().unwrap_or("").to_owned();
            declared.insert((place, name), parameter.clone());
        }
    }
    let is_content_type =
        |place: &str, name: &str| place == "header" && name.eq_ignore_ascii_case("content-type");
    for parameter in fact["params"].as_array().into_iter().flatten() {
        let (place, name) = (
            parameter["in"].as_str().unwrap().to_owned(),
            parameter["name"].as_str().unwrap().to_owned(),
        );
        if is_content_type(&place, &name) {
            continue;
        }
        let location = format!("{place}.{name}");
        match declared.remove(&(place, name)) {
            None => checker.differ(&location, "parameter missing from the spec".into()),
            Some(spec_parameter) => {
                let required = spec_parameter["required"].as_bool().unwrap_or(false);
                if required != parameter["required"].as_bool().unwrap_or(false) {
                    checker.differ(&location, format!("spec says required: {required}"));
                }
                let schema = spec_parameter.get("schema").cloned().unwrap_or(Value::Null);
                checker.compare(&parameter["schema"], &schema, &location, 0);
            }
        }
    }
    for (place, name) in declared.keys() {
        if !is_content_type(place, name) {
            checker.differ(
                &format!("{place}.{name}"),
                "parameter the SDK does not have".into(),
            );
        }
    }
    check_body(checker, fact, operation);
    check_answer(checker, fact, operation);
}

fn check_body(checker: &mut Checker, fact: &Value, operation: &Value) {
    let spec = checker.spec;
    let content = operation
        .get("requestBody")
        .map(|body| spec.resolve(body))
        .and_then(|body| body.get("content"))
        .and_then(Value::as_object);
    let media = |kind: &str| {
        content.and_then(|c| {
            c.iter()
                .find(|(m, _)| m.contains(kind))
                .map(|(_, v)| v["schema"].clone())
        })
    };
    let form = fact["form"].as_array().filter(|f| !f.is_empty());
    match (form, fact["body"].is_null()) {
        (Some(fields), _) => {
            let Some(schema) = media("multipart/form-data") else {
                return checker.differ("form", "SDK multipart form, spec has none".into());
            };
            let mut properties = Map::new();
            for field in fields {
                properties.insert(
                    field["name"].as_str().unwrap().to_owned(),
                    field["schema"].clone(),
                );
            }
            let required: Vec<&Value> = fields
                .iter()
                .filter(|f| f["required"] == true)
                .map(|f| &f["name"])
                .collect();
            let as_object = serde_json::json!({"type": "object", "properties": properties, "required": required});
            checker.compare(&as_object, &schema, "form", 0);
        }
        (None, false) => match media("json") {
            Some(schema) => checker.compare(&fact["body"], &schema, "body", 0),
            None => checker.differ("body", "SDK JSON body, spec has none".into()),
        },
        (None, true) => {
            if content.is_some() {
                checker.differ("body", "spec body the SDK does not have".into());
            }
        }
    }
}

/// Downloads the SDK does not model (its answer struct is empty) but that return a file.
fn is_unmodelled_download(fact: &Value) -> bool {
    let name = fact["name"].as_str().unwrap_or("");
    fact["response"].is_null() && (name.starts_with("Download") || name.starts_with("Export"))
}

fn check_answer(checker: &mut Checker, fact: &Value, operation: &Value) {
    let spec = checker.spec;
    let content = success_answer(spec, operation)
        .and_then(|answer| answer.get("content"))
        .and_then(Value::as_object);
    let schemas: Vec<Value> = content
        .into_iter()
        .flatten()
        .map(|(_, media)| spec.schema(&media["schema"]))
        .collect();
    let spec_binary = schemas
        .iter()
        .any(|s| s.get("format").and_then(Value::as_str) == Some("binary"));
    let fact_binary = fact["binary_response"].as_bool().unwrap_or(false)
        || fact["response"].get("format").and_then(Value::as_str) == Some("binary")
        || is_unmodelled_download(fact);
    if fact_binary || spec_binary {
        if fact_binary != spec_binary {
            checker.differ(
                "answer",
                format!("SDK binary answer: {fact_binary}, spec: {spec_binary}"),
            );
        }
        return;
    }
    let json = content.and_then(|c| {
        c.iter()
            .find(|(m, _)| m.contains("json"))
            .map(|(_, v)| v["schema"].clone())
    });
    match (fact["response"].is_null(), json) {
        (true, None) => {}
        (true, Some(_)) => {
            checker.differ("answer", "spec answer body the SDK does not model".into())
        }
        (false, None) => checker.differ("answer", "SDK answer body, spec has none".into()),
        (false, Some(schema)) => checker.compare(&fact["response"], &schema, "answer", 0),
    }
}

#[test]
fn every_operation_of_the_spec_matches_huaweis_definitions() {
    let facts = facts();
    let spec = spec();
    let by_call: BTreeMap<(String, String), &Value> = facts
        .operations
        .iter()
        .map(|o| {
            let method = o["method"].as_str().unwrap().to_ascii_lowercase();
            ((method, blank_placeholders(o["path"].as_str().unwrap())), o)
        })
        .collect();
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for (file, document) in &spec.files {
        for (path, item) in document
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            for (method, operation) in item.as_object().into_iter().flatten() {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                let id = operation["operationId"]
                    .as_str()
                    .unwrap_or("(none)")
                    .to_owned();
                let mut checker = Checker {
                    facts: &facts,
                    spec: &spec,
                    operation: id.clone(),
                    mismatches: Vec::new(),
                    followed: BTreeSet::new(),
                };
                match by_call.get(&(method.clone(), blank_placeholders(path))) {
                    None => checker.differ(
                        "path",
                        format!("{method} {path} in {file} is not an official operation"),
                    ),
                    Some(fact) => {
                        let official = official_id(fact, &facts.operations);
                        if official != id {
                            checker
                                .differ("operationId", format!("the official name is {official}"));
                        }
                        check_operation(&mut checker, fact, item, operation);
                    }
                }
                checked += 1;
                mismatches.extend(checker.mismatches);
            }
        }
    }
    assert!(
        checked > 0,
        "no operation found under {}",
        spec_dir().display()
    );
    let departed: BTreeSet<(&str, &str)> =
        DEPARTURES.iter().map(|(op, at, _)| (*op, *at)).collect();
    let unexplained: Vec<String> = mismatches
        .iter()
        .filter(|m| !departed.contains(&(m.operation.as_str(), m.location.as_str())))
        .map(|m| format!("{} at {}: {}", m.operation, m.location, m.what))
        .collect();
    let seen: BTreeSet<(&str, &str)> = mismatches
        .iter()
        .map(|m| (m.operation.as_str(), m.location.as_str()))
        .collect();
    let stale: Vec<String> = departed
        .iter()
        .filter(|d| !seen.contains(d))
        .map(|(op, at)| format!("{op} at {at}"))
        .collect();
    assert!(
        unexplained.is_empty() && stale.is_empty(),
        "{} differences from the SDK without a listed reason (fix the spec, or add them to DEPARTURES with why the page wins):\n  {}\n{} listed departures no longer needed (remove them):\n  {}",
        unexplained.len(),
        unexplained.join("\n  "),
        stale.len(),
        stale.join("\n  ")
    );
}

#[test]
fn the_checker_sees_a_renamed_field_a_changed_type_and_a_lost_parameter() {
    let facts = facts();
    let fact = facts
        .operations
        .iter()
        .find(|o| o["name"] == "ListWorkflows")
        .unwrap()
        .clone();
    let spec = Spec {
        files: Vec::new(),
        components: BTreeMap::new(),
    };
    let operation = serde_json::json!({
        "operationId": "ListWorkflows",
        "parameters": [
            {"name": "project_id", "in": "path", "required": true, "schema": {"type": "string"}},
            {"name": "workspace_id", "in": "path", "required": true, "schema": {"type": "string"}},
            {"name": "offset", "in": "query", "required": false, "schema": {"type": "string"}},
            {"name": "limits", "in": "query", "required": false, "schema": {"type": "integer"}}
        ],
        "responses": {"200": {"description": "ok"}}
    });
    let mut checker = Checker {
        facts: &facts,
        spec: &spec,
        operation: "ListWorkflows".into(),
        mismatches: Vec::new(),
        followed: BTreeSet::new(),
    };
    check_operation(&mut checker, &fact, &Value::Null, &operation);
    let found: BTreeSet<String> = checker
        .mismatches
        .iter()
        .map(|m| m.location.clone())
        .collect();
    for expected in ["query.offset", "query.limit", "query.limits", "answer"] {
        assert!(
            found.contains(expected),
            "{expected} not reported: {:?}",
            checker.mismatches
        );
    }
}
