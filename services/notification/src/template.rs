//! `{{variable}}` templates. A placeholder without a value is an error, never
//! a blank in a customer's mail.

use std::collections::{BTreeSet, HashMap};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("missing variables: {}", .0.join(", "))]
    Missing(Vec<String>),
    #[error("malformed placeholder at byte {0}: use {{{{name}}}} with letters, digits and _")]
    Malformed(usize),
}

enum Piece<'a> {
    Text(&'a str),
    Var(&'a str),
}

fn parse(template: &str) -> Result<Vec<Piece<'_>>, TemplateError> {
    let mut pieces = Vec::new();
    let mut rest = template;
    let mut offset = 0;
    while let Some(start) = rest.find("{{") {
        pieces.push(Piece::Text(&rest[..start]));
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or(TemplateError::Malformed(offset + start))?;
        let name = after[..end].trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(TemplateError::Malformed(offset + start));
        }
        pieces.push(Piece::Var(name));
        let consumed = start + 2 + end + 2;
        offset += consumed;
        rest = &rest[consumed..];
    }
    if rest.contains("}}") {
        return Err(TemplateError::Malformed(offset + rest.find("}}").unwrap_or(0)));
    }
    pieces.push(Piece::Text(rest));
    Ok(pieces)
}

/// The placeholders a template uses, sorted; an error if it is malformed.
pub fn variables(template: &str) -> Result<BTreeSet<String>, TemplateError> {
    Ok(parse(template)?
        .into_iter()
        .filter_map(|p| match p {
            Piece::Var(v) => Some(v.to_owned()),
            Piece::Text(_) => None,
        })
        .collect())
}

/// Renders several texts (a subject and a body) at once, so a missing
/// variable is reported once, whichever text uses it.
pub fn render_all(templates: &[&str], vars: &HashMap<String, String>) -> Result<Vec<String>, TemplateError> {
    let mut missing = Vec::new();
    let mut out = Vec::with_capacity(templates.len());
    for t in templates {
        match render(t, vars) {
            Ok(text) => out.push(text),
            Err(TemplateError::Missing(m)) => missing.extend(m),
            Err(e) => return Err(e),
        }
    }
    if missing.is_empty() {
        Ok(out)
    } else {
        missing.sort();
        missing.dedup();
        Err(TemplateError::Missing(missing))
    }
}

pub fn render(template: &str, vars: &HashMap<String, String>) -> Result<String, TemplateError> {
    let pieces = parse(template)?;
    let mut missing: Vec<String> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Var(v) if !vars.contains_key(*v) => Some((*v).to_owned()),
            _ => None,
        })
        .collect();
    if !missing.is_empty() {
        missing.sort();
        missing.dedup();
        return Err(TemplateError::Missing(missing));
    }
    let mut out = String::with_capacity(template.len() + 32);
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Var(v) => out.push_str(vars.get(v).map(String::as_str).unwrap_or_default()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn renders_japanese_and_repeats() {
        let out = render("{{name}}様、ご注文{{id}}を承りました。{{ name }}", &vars(&[("name", "山田"), ("id", "42")]));
        assert_eq!(out.expect("render"), "山田様、ご注文42を承りました。山田");
    }

    #[test]
    fn missing_variables_are_an_error() {
        let err = render("{{a}} {{b}} {{a}}", &vars(&[])).expect_err("missing");
        assert_eq!(err, TemplateError::Missing(vec!["a".into(), "b".into()]));
    }

    #[test]
    fn malformed_placeholders_are_rejected() {
        for bad in ["{{", "{{}}", "{{a b}}", "x }} y", "{{a-b}}"] {
            assert!(variables(bad).is_err(), "{bad}");
        }
        assert_eq!(variables("{{b}}{{a}}{{b}}").expect("ok").into_iter().collect::<Vec<_>>(), ["a", "b"]);
    }
}
