//! Pulumi YAML and JSON programs: parsing the seed program verbatim, a fuller
//! program through validate, order and eval, and every refusal with its exact
//! `file:line:column:` prefix.

use access_service_token_program::{
    self as program, eval, order, parse, validate, ConfigDecl, ConfigType, Expr, Pos, Program, ProgramError, Reference, Spanned, Template, TemplatePart,
};
use access_service_token::pulumi::bag::{secret, UNKNOWN_STRING};
use serde_json::{json, Map, Value};

const SEED: &str = r#"resources:
  # Generate a service token that will renew if terraform is ran within 30 days of expiration
  myApp:
    type: cloudflare:AccessServiceToken
    properties:
      accountId: f037e56e89293a057740de681ac9abbe
      minDaysForRenewal: 30
      name: CI/CD app renewed
"#;

const SEED_JSON: &str = r#"{
  "resources": {
    "myApp": {
      "type": "cloudflare:AccessServiceToken",
      "properties": {
        "accountId": "f037e56e89293a057740de681ac9abbe",
        "minDaysForRenewal": 30,
        "name": "CI/CD app renewed"
      }
    }
  }
}"#;

const FULL: &str = include_str!("programs/full.yaml");

fn no_refs(r: &Reference) -> Result<Value, ProgramError> {
    panic!("unexpected reference {r}")
}

fn properties(program: &Program, index: usize, lookup: &mut dyn FnMut(&Reference) -> Result<Value, ProgramError>) -> Value {
    let mut bag = Map::new();
    for (key, value) in &program.resources[index].properties {
        bag.insert(key.value.clone(), eval(value, lookup).unwrap());
    }
    Value::Object(bag)
}

fn output(program: &Program, name: &str, lookup: &mut dyn FnMut(&Reference) -> Result<Value, ProgramError>) -> Value {
    let (_, expr) = program.outputs.iter().find(|(k, _)| k.value == name).unwrap();
    eval(expr, lookup).unwrap()
}

/// The Debug text with every position erased, to compare YAML with JSON.
fn without_positions(program: &Program) -> String {
    let mut text = format!("{:?}", Program { source: String::new(), ..program.clone() });
    while let Some(start) = text.find("Some(Pos {") {
        let end = start + text[start..].find("})").unwrap() + 2;
        text.replace_range(start..end, "None");
    }
    text
}

/// The one error of a program that parses but does not validate.
fn invalid(text: &str) -> String {
    let program = parse("Pulumi.yaml", text).unwrap();
    let errors = validate(&program);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors[0].to_string()
}

/// The one error of a program that does not parse.
fn unparsable(text: &str) -> String {
    let errors = parse("Pulumi.yaml", text).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors[0].to_string()
}

#[test]
fn the_seed_program_parses_validates_and_evaluates() {
    let program = parse("Pulumi.yaml", SEED).unwrap();
    assert_eq!(program.source, "Pulumi.yaml");
    assert_eq!((program.name.as_deref(), program.runtime.as_deref()), (None, None));
    assert_eq!(program.resources.len(), 1);
    let app = &program.resources[0];
    assert_eq!(app.name, Spanned { value: "myApp".into(), pos: Some(Pos { line: 3, column: 3 }) });
    assert_eq!(app.ty, Spanned { value: "cloudflare:AccessServiceToken".into(), pos: Some(Pos { line: 4, column: 11 }) });
    let keys: Vec<&str> = app.properties.iter().map(|(k, _)| k.value.as_str()).collect();
    assert_eq!(keys, ["accountId", "minDaysForRenewal", "name"]);
    assert_eq!(app.properties[1].1, Spanned { value: Expr::Number(30.into()), pos: Some(Pos { line: 7, column: 26 }) });
    assert_eq!(validate(&program), vec![]);
    assert_eq!(order(&program).unwrap(), vec![0]);
    assert_eq!(
        properties(&program, 0, &mut no_refs),
        json!({"accountId": "f037e56e89293a057740de681ac9abbe", "minDaysForRenewal": 30, "name": "CI/CD app renewed"})
    );
}

#[test]
fn the_seed_program_in_json_is_the_same_program() {
    let yaml = parse("Pulumi.yaml", SEED).unwrap();
    let json = parse("Pulumi.json", SEED_JSON).unwrap();
    assert_eq!(without_positions(&yaml), without_positions(&json));
    // Recognised by its first character too.
    assert_eq!(without_positions(&parse("program", SEED_JSON).unwrap()), without_positions(&json));
    assert_eq!(validate(&json), vec![]);
}

#[test]
fn yaml_types_scalars_as_written() {
    let program = parse("p.yaml", "variables:\n  a: 0123456789\n  b: '0123456789'\n  c: true\n  d: 1.5\n  e:\n  f: \"x\"\n").unwrap();
    let values: Vec<&Expr> = program.variables.iter().map(|(_, v)| &v.value).collect();
    assert_eq!(values[0], &Expr::Number(123456789.into()));
    assert_eq!(values[1], &Expr::String(Template { parts: vec![TemplatePart::Text("0123456789".into())] }));
    assert_eq!(values[2], &Expr::Bool(true));
    assert_eq!(values[3], &Expr::Number(serde_json::Number::from_f64(1.5).unwrap()));
    assert_eq!(values[4], &Expr::Null);
    assert_eq!(values[5], &Expr::String(Template { parts: vec![TemplatePart::Text("x".into())] }));
}

#[test]
fn a_fuller_program_parses_in_file_order() {
    let program = parse("Pulumi.yaml", FULL).unwrap();
    assert_eq!(program.name.as_deref(), Some("tokens"));
    assert_eq!(program.runtime.as_deref(), Some("yaml"));
    assert!(program.description.as_deref().unwrap().starts_with("Two service tokens"));
    assert_eq!(
        program.config[0],
        ConfigDecl {
            name: Spanned { value: "accountId".into(), pos: Some(Pos { line: 5, column: 3 }) },
            ty: ConfigType::String,
            default: Some(json!("f037e56e89293a057740de681ac9abbe")),
            secret: false,
        }
    );
    assert_eq!((program.config[1].ty, &program.config[1].default), (ConfigType::Integer, &Some(json!(30))));
    assert_eq!((program.config[2].name.value.as_str(), program.config[2].secret, &program.config[2].default), ("cloudflare:apiToken", true, &None));
    assert_eq!((program.config[3].ty, &program.config[3].default), (ConfigType::String, &Some(json!("copy"))));
    let names: Vec<&str> = program.resources.iter().map(|r| r.name.value.as_str()).collect();
    assert_eq!(names, ["second", "first", "existing"]);
    let second = &program.resources[0];
    assert!(second.options.protect && second.options.delete_before_replace);
    assert_eq!(second.options.ignore_changes, ["duration"]);
    assert_eq!(second.options.additional_secret_outputs, ["clientId"]);
    assert_eq!(second.options.depends_on, vec![Reference { root: "existing".into(), property: None, pos: Some(Pos { line: 33, column: 11 }) }]);
    // `name: ${first.clientId}-${suffix}`: each reference at its `${`.
    let Expr::String(name) = &second.properties[1].1.value else { panic!() };
    assert_eq!(
        name.parts,
        vec![
            TemplatePart::Ref(Reference { root: "first".into(), property: Some("clientId".into()), pos: Some(Pos { line: 25, column: 13 }) }),
            TemplatePart::Text("-".into()),
            TemplatePart::Ref(Reference { root: "suffix".into(), property: None, pos: Some(Pos { line: 25, column: 31 }) }),
        ]
    );
    let get = program.resources[2].get.as_ref().unwrap();
    assert_eq!(get.id.value, Expr::String(Template { parts: vec![TemplatePart::Text("0123456789".into())] }));
    assert_eq!(get.state[0].0.value, "accountId");
    assert!(matches!(&program.outputs[2].1.value, Expr::Secret(_)));
}

#[test]
fn a_fuller_program_validates_and_orders_dependencies_first() {
    let program = parse("Pulumi.yaml", FULL).unwrap();
    assert_eq!(validate(&program), vec![]);
    // second reads first and depends on existing; the others keep file order.
    assert_eq!(order(&program).unwrap(), vec![1, 2, 0]);
}

/// Config and variables as an engine would resolve them, with first's
/// outputs either known or, in a preview, unknown.
fn resolver(known: bool) -> impl FnMut(&Reference) -> Result<Value, ProgramError> {
    move |r: &Reference| {
        Ok(match (r.root.as_str(), r.property.as_deref()) {
            ("accountId", None) => json!("f037e56e89293a057740de681ac9abbe"),
            ("renewalDays", None) => json!(30),
            ("suffix", None) => json!("copy"),
            ("baseName", None) => json!("CI/CD f037e56e89293a057740de681ac9abbe"),
            ("ids", None) => json!([if known { json!("abc.access") } else { json!(UNKNOWN_STRING) }, 2]),
            ("pulumi", Some("stack")) => json!("dev"),
            ("first", Some("clientId")) if known => json!("abc.access"),
            ("first", Some("id")) if known => json!("id-1"),
            ("first", Some("clientSecret")) if known => secret(json!("s3cr3t")),
            ("first", Some("clientSecret")) => secret(json!(UNKNOWN_STRING)),
            ("first", _) => json!(UNKNOWN_STRING),
            _ => panic!("unexpected reference {r}"),
        })
    }
}

#[test]
fn eval_resolves_references_secrets_and_unknowns() {
    let program = parse("Pulumi.yaml", FULL).unwrap();
    let mut applied = resolver(true);
    assert_eq!(
        properties(&program, 0, &mut applied),
        json!({"accountId": "f037e56e89293a057740de681ac9abbe", "name": "abc.access-copy", "minDaysForRenewal": 30})
    );
    assert_eq!(
        properties(&program, 1, &mut applied),
        json!({"accountId": "f037e56e89293a057740de681ac9abbe", "name": "CI/CD f037e56e89293a057740de681ac9abbe", "duration": "8760h"})
    );
    assert_eq!(output(&program, "label", &mut applied), json!("token id-1 in f037e56e89293a057740de681ac9abbe"));
    // A secret stays wrapped once; text with a secret in it becomes secret.
    assert_eq!(output(&program, "secretOut", &mut applied), secret(json!("s3cr3t")));
    assert_eq!(output(&program, "mixed", &mut applied), secret(json!("key=s3cr3t")));
    assert_eq!(output(&program, "wrapped", &mut applied), secret(json!("plain")));
    assert_eq!(output(&program, "literal", &mut applied), json!("${notARef}"));
    assert_eq!(output(&program, "nested", &mut applied), json!({"stack": "dev", "ids": ["abc.access", 2]}));

    let mut preview = resolver(false);
    assert_eq!(properties(&program, 0, &mut preview)["name"], json!(UNKNOWN_STRING));
    assert_eq!(output(&program, "firstClientId", &mut preview), json!(UNKNOWN_STRING));
    assert_eq!(output(&program, "label", &mut preview), json!(UNKNOWN_STRING));
    assert_eq!(output(&program, "mixed", &mut preview), secret(json!(UNKNOWN_STRING)));
    assert_eq!(output(&program, "nested", &mut preview), json!({"stack": "dev", "ids": [UNKNOWN_STRING, 2]}));
    let (_, ids) = &program.variables[1];
    assert_eq!(eval(ids, &mut preview).unwrap(), json!([UNKNOWN_STRING, 2]));
}

#[test]
fn eval_passes_lookup_errors_through() {
    let program = parse("Pulumi.yaml", FULL).unwrap();
    let mut failing = |r: &Reference| Err(ProgramError::new("Pulumi.yaml", r.pos, format!("config {r} is not set")));
    let err = eval(&program.resources[0].properties[0].1, &mut failing).unwrap_err();
    assert_eq!(err.to_string(), "Pulumi.yaml:24:18: config ${accountId} is not set");
}

#[test]
fn eval_refuses_to_interpolate_a_list() {
    let program = parse("Pulumi.yaml", "outputs:\n  o: ids ${ids}\n").unwrap();
    let mut lookup = |_: &Reference| Ok(json!([1, 2]));
    let err = eval(&program.outputs[0].1, &mut lookup).unwrap_err();
    assert_eq!(err.pos, Some(Pos { line: 2, column: 10 }));
    assert_eq!(err.message, "\"${ids}\" is a list, which cannot be interpolated into a string; use it as the whole value instead");
}

#[test]
fn yaml_syntax_errors_carry_the_parsers_position() {
    let err = unparsable("resources:\n  myApp:\n    type: [cloudflare:AccessServiceToken\n");
    assert!(err.starts_with("Pulumi.yaml:4:1: YAML syntax error:"), "{err}");
    let err = unparsable(&format!("{SEED}    options:\n      dependsOn: [${{x}}]\n"));
    assert!(err.starts_with("Pulumi.yaml:10:20: YAML syntax error:"), "{err}");
    assert!(err.ends_with("(inside [ ] or { }, quote strings that hold ${...})"), "{err}");
    let err = unparsable("resources:\n  a: 1\n  a: 2\n");
    assert_eq!(err, "Pulumi.yaml:3:3: duplicate key \"a\" (first written on line 2)");
}

#[test]
fn json_syntax_errors_carry_serde_jsons_position() {
    let errors = parse("Pulumi.json", "{\n  \"resources\": {,}\n}").unwrap_err();
    assert_eq!(errors[0].pos, Some(Pos { line: 2, column: 17 }));
    assert!(errors[0].to_string().starts_with("Pulumi.json:2:17: JSON syntax error: "), "{}", errors[0]);
}

#[test]
fn an_unmanaged_type_token_names_the_accepted_ones() {
    let err = invalid("resources:\n  dns:\n    type: cloudflare:index/record:Record\n");
    assert_eq!(
        err,
        "Pulumi.yaml:3:11: resource \"dns\" has type \"cloudflare:index/record:Record\", which this engine does not manage; \
         it manages cloudflare:AccessServiceToken (also written cloudflare:index/accessServiceToken:AccessServiceToken, \
         cloudflare:index:AccessServiceToken, cloudflare:index/zeroTrustAccessServiceToken:ZeroTrustAccessServiceToken, \
         cloudflare:index:ZeroTrustAccessServiceToken, cloudflare:ZeroTrustAccessServiceToken, \
         cloudflare-access-service-token:index:AccessServiceToken)"
    );
}

#[test]
fn an_unknown_property_gets_a_hint() {
    let err = invalid(&SEED.replace("accountId:", "acountId:"));
    assert_eq!(err, "Pulumi.yaml:6:7: property \"acountId\" of resource \"myApp\": unknown property; did you mean \"accountId\"?");
    let err = invalid("resources:\n  t:\n    type: cloudflare:AccessServiceToken\n    get:\n      id: x\n      state:\n        zone: z\n");
    assert_eq!(err, "Pulumi.yaml:7:9: get.state \"zone\" of resource \"t\": unknown property; did you mean \"zoneId\"?");
}

#[test]
fn an_unknown_reference_is_refused() {
    let err = invalid(&SEED.replace("name: CI/CD app renewed", "name: app ${nope}"));
    assert_eq!(err, "Pulumi.yaml:8:17: unknown reference \"${nope}\": no resource, variable or config named \"nope\"");
    let err = invalid("variables:\n  v: ${myAp.id}\nresources:\n  myApp:\n    type: cloudflare:AccessServiceToken\n");
    assert_eq!(err, "Pulumi.yaml:2:6: unknown reference \"${myAp.id}\": no resource, variable or config named \"myAp\"; did you mean \"myApp\"?");
}

#[test]
fn an_unknown_property_in_a_reference_is_refused() {
    let err = invalid(&format!("{SEED}outputs:\n  s: ${{myApp.secret}}\n"));
    assert!(err.starts_with("Pulumi.yaml:10:6: unknown property in \"${myApp.secret}\": resource \"myApp\" has no property \"secret\""), "{err}");
    assert!(err.ends_with("known properties are name, accountId, zoneId, minDaysForRenewal, duration, clientSecretVersion, previousClientSecretExpiresAt, enabled, id, clientId, clientSecret, expiresAt, createdAt, lastSeenAt, urn"), "{err}");
    let err = invalid("config:\n  c: x\noutputs:\n  o: ${c.length}\n");
    assert_eq!(err, "Pulumi.yaml:4:6: \"${c.length}\" reads a property of config \"c\", which is a single value; write ${c}");
}

#[test]
fn an_invalid_interpolation_is_refused_where_written() {
    let err = unparsable(&SEED.replace("CI/CD app renewed", "x ${myApp.a.b}"));
    assert_eq!(err, "Pulumi.yaml:8:15: invalid reference \"${myApp.a.b}\": this engine reads ${name} or ${name.property}");
}

#[test]
fn an_unsupported_option_is_refused() {
    let err = unparsable(&format!("{SEED}    options:\n      provider: ${{other}}\n"));
    assert_eq!(
        err,
        "Pulumi.yaml:10:7: resource option \"provider\" is not supported by this engine; \
         supported options: protect, deleteBeforeReplace, ignoreChanges, additionalSecretOutputs, dependsOn"
    );
    let err = unparsable(&format!("{SEED}    options:\n      dependOn: [\"${{x}}\"]\n"));
    assert!(err.starts_with("Pulumi.yaml:10:7: resource option \"dependOn\" is not supported by this engine; did you mean \"dependsOn\"?"), "{err}");
    let err = unparsable(&format!("{SEED}    options:\n      dependsOn: [plain]\n"));
    assert_eq!(err, "Pulumi.yaml:10:19: each entry of option dependsOn of resource \"myApp\" must be a resource reference like ${otherResource}");
}

#[test]
fn depends_on_must_name_a_resource() {
    let err = invalid(&format!("config:\n  c: x\n{SEED}    options:\n      dependsOn: [\"${{c}}\"]\n"));
    assert_eq!(err, "Pulumi.yaml:12:20: dependsOn of resource \"myApp\" names ${c}, which is not a resource");
}

#[test]
fn an_unsupported_function_is_refused() {
    let err = unparsable("outputs:\n  o:\n    fn::invoke:\n      function: x\n");
    assert_eq!(err, "Pulumi.yaml:3:5: fn::invoke is not supported by this engine (supported: fn::secret)");
}

#[test]
fn an_unknown_top_level_key_gets_a_hint() {
    let err = unparsable(&SEED.replace("resources:", "resorces:"));
    assert_eq!(err, "Pulumi.yaml:1:1: unknown top-level key \"resorces\"; did you mean \"resources\"?");
}

#[test]
fn a_dependency_cycle_names_its_members() {
    let text = "resources:\n  a:\n    type: cloudflare:AccessServiceToken\n    properties:\n      name: ${b.clientId}\n  b:\n    type: cloudflare:AccessServiceToken\n    properties:\n      name: ${v}\nvariables:\n  v: ${a.id}\n";
    let program = parse("Pulumi.yaml", text).unwrap();
    let err = order(&program).unwrap_err().to_string();
    assert_eq!(err, "Pulumi.yaml:2:3: dependency cycle: resource \"a\" → resource \"b\" → variable \"v\" → resource \"a\"");
    assert_eq!(invalid(text), err);
    let err = invalid("resources:\n  a:\n    type: cloudflare:AccessServiceToken\n    properties:\n      name: ${a.id}\n");
    assert_eq!(err, "Pulumi.yaml:2:3: resource \"a\" references itself");
}

#[test]
fn properties_and_get_together_are_refused() {
    let err = unparsable(&format!("{SEED}    get:\n      id: x\n"));
    assert_eq!(
        err,
        "Pulumi.yaml:5:5: resource \"myApp\" has both properties and get; a looked-up resource takes no properties (qualify the lookup with get.state)"
    );
}

#[test]
fn a_runtime_other_than_yaml_is_refused() {
    let err = unparsable(&format!("name: p\nruntime: nodejs\n{SEED}"));
    assert_eq!(err, "Pulumi.yaml:2:10: runtime \"nodejs\" is not supported: this engine runs Pulumi YAML programs (runtime: yaml)");
    let program = parse("Pulumi.yaml", &format!("runtime:\n  name: yaml\n{SEED}")).unwrap();
    assert_eq!(program.runtime.as_deref(), Some("yaml"));
}

#[test]
fn structural_errors_are_all_reported_at_once() {
    let text = "resources:\n  a:\n    typ: cloudflare:AccessServiceToken\n  b:\n    type: cloudflare:AccessServiceToken\n    options:\n      protect: yes\n      retainOnDelete: true\nconfig:\n  n:\n    type: integer\n    default: \"7\"\n";
    let errors: Vec<String> = parse("Pulumi.yaml", text).unwrap_err().iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "Pulumi.yaml:3:5: unknown key \"typ\" in resource \"a\"; did you mean \"type\"?; a resource has type, properties, options and get",
            "Pulumi.yaml:2:3: resource \"a\" has no type",
            "Pulumi.yaml:7:16: option protect of resource \"b\" must be true or false, found a string",
            "Pulumi.yaml:8:7: resource option \"retainOnDelete\" is not supported by this engine; supported options: protect, deleteBeforeReplace, ignoreChanges, additionalSecretOutputs, dependsOn",
            "Pulumi.yaml:12:14: config \"n\" is declared integer but its default \"7\" is a string",
        ]
    );
}

#[test]
fn errors_display_without_a_position_too() {
    let err = ProgramError::new("Pulumi.json", None, "duplicate key");
    assert_eq!(err.to_string(), "Pulumi.json: duplicate key");
    let _: &dyn std::error::Error = &err;
    let empty = program::parse("Pulumi.yaml", "# nothing but a comment\n").unwrap_err();
    assert_eq!(empty[0].pos, None);
    assert!(empty[0].to_string().starts_with("Pulumi.yaml: the program is empty"), "{}", empty[0]);
    let none = parse("Pulumi.yaml", "resources: {}\n").unwrap();
    assert!(none.resources.is_empty() && validate(&none).is_empty(), "an explicit empty program is one");
    assert!(program::parse("Pulumi.yaml", "- a\n").is_err());
}
