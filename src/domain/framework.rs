//! The framework: the pillars a relationship is read under, the issues, the rules that give an
//! event its pillar when the coder left it out, the ordered scale of named levels, and the scoring
//! method. It is data (JSON), shipped in the binary as Tillerson's June 2017 three-pillar
//! framework and replaceable with `--framework FILE`; its format is documented in the README.

use super::taxonomy::Taxonomy;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::Path;
use thiserror::Error;

const TILLERSON_2017_JSON: &str = include_str!("data/tillerson_2017.json");

/// The largest weight a pillar may have.
pub const MAX_PILLAR_WEIGHT: f64 = 100.0;
/// The largest framework file read (the built-in one is a few kilobytes).
pub const MAX_FRAMEWORK_BYTES: u64 = 1024 * 1024;

/// A framework file could not be used.
#[derive(Debug, Error)]
pub enum FrameworkError {
    /// The file could not be read.
    #[error("cannot read framework file {path}: {source}")]
    Read {
        /// The path given.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a valid framework.
    #[error("framework {origin}: field `{field}`: {problem}")]
    Invalid {
        /// Where the framework came from (a path, or `built-in`).
        origin: String,
        /// The JSON path at fault.
        field: String,
        /// What is wrong and what was expected.
        problem: String,
    },
}

/// A pillar of the framework.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pillar {
    /// Short id, e.g. `pushback`.
    pub id: String,
    /// Human title.
    pub title: String,
    /// What counts under it.
    pub description: String,
    /// Its weight in the overall status (> 0).
    pub weight: f64,
}

/// An issue events can be filed under.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Issue {
    /// Short id, e.g. `north_korea`.
    pub id: String,
    /// Human title.
    pub title: String,
}

/// A rule deriving the pillar of an event that does not name one. Rules are tried in order; a rule
/// matches when every condition it sets holds. The last rule sets no condition.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PillarRule {
    /// Matches events filed under this issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    /// Matches events with this action code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The pillar given to matching events.
    pub pillar: String,
}

/// A named level on the scale; it runs from `from` (inclusive) to the next level's `from`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// Short id, e.g. `gutter`.
    pub id: String,
    /// Human title.
    pub title: String,
    /// Lowest score of the level.
    pub from: f64,
}

/// The scoring method's parameters (see the README's "How the status is computed").
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Method {
    /// Days after which an event counts half as much.
    pub half_life_days: f64,
    /// Weight of the neutral prior that pulls thin or stale evidence towards 0.
    pub prior_weight: f64,
    /// How many driving events each pillar lists.
    pub drivers: usize,
    /// The least evidence a score needs to have a level: below this total weight (confidence
    /// times decay, summed) a pillar or issue reads "no data" rather than a level near 0.
    #[serde(default = "default_min_weight")]
    pub min_weight: f64,
}

/// One fully confident report about 13 months old weighs 0.1 under the built-in framework's
/// 120-day half-life (0.5^(400/120)).
fn default_min_weight() -> f64 {
    0.1
}

/// A framework for reading one relationship.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// Short id, e.g. `tillerson-2017`.
    pub id: String,
    /// Version of this framework's data.
    pub version: u32,
    /// Human title.
    pub title: String,
    /// The dyad it reads, e.g. `USA-RUS`.
    pub dyad: String,
    /// The pillars, in display order.
    pub pillars: Vec<Pillar>,
    /// The issues events can be filed under.
    pub issues: Vec<Issue>,
    /// Rules deriving a pillar, first match wins.
    pub pillar_rules: Vec<PillarRule>,
    /// The scale of levels, lowest first.
    pub levels: Vec<Level>,
    /// The scoring method.
    pub method: Method,
}

impl Framework {
    /// Tillerson's June 2017 three-pillar framework for US–Russia, shipped in the binary.
    pub fn builtin() -> Framework {
        Framework::from_json(TILLERSON_2017_JSON, "built-in", Taxonomy::builtin())
            .unwrap_or_else(|e| panic!("the built-in framework is invalid: {e}"))
    }

    /// Reads and checks a framework file (at most [`MAX_FRAMEWORK_BYTES`]: `/dev/zero` is
    /// refused, not read forever).
    pub fn load(path: &Path, taxonomy: &Taxonomy) -> Result<Framework, FrameworkError> {
        let read_error = |source| FrameworkError::Read {
            path: path.display().to_string(),
            source,
        };
        let file = std::fs::File::open(path).map_err(read_error)?;
        let mut text = String::new();
        std::io::Read::read_to_string(
            &mut std::io::Read::take(file, MAX_FRAMEWORK_BYTES + 1),
            &mut text,
        )
        .map_err(read_error)?;
        if text.len() as u64 > MAX_FRAMEWORK_BYTES {
            return Err(read_error(std::io::Error::other(format!(
                "it is larger than {MAX_FRAMEWORK_BYTES} bytes; is it a framework file?"
            ))));
        }
        Framework::from_json(&text, &path.display().to_string(), taxonomy)
    }

    /// Parses and checks a framework from JSON text; `origin` names it in errors.
    pub fn from_json(
        text: &str,
        origin: &str,
        taxonomy: &Taxonomy,
    ) -> Result<Framework, FrameworkError> {
        let invalid = |field: String, problem: String| FrameworkError::Invalid {
            origin: origin.to_string(),
            field,
            problem,
        };
        let deserializer = &mut serde_json::Deserializer::from_str(text);
        let framework: Framework = serde_path_to_error::deserialize(deserializer)
            .map_err(|e| invalid(e.path().to_string(), e.inner().to_string()))?;
        framework
            .check(taxonomy)
            .map_err(|(field, problem)| invalid(field, problem))?;
        Ok(framework)
    }

    fn check(&self, taxonomy: &Taxonomy) -> Result<(), (String, String)> {
        let fail = |field: &str, problem: String| Err((field.to_string(), problem));
        if self.pillars.is_empty() {
            return fail("pillars", "at least one pillar is needed".into());
        }
        unique_ids("pillars", self.pillars.iter().map(|p| p.id.as_str()))?;
        unique_ids("issues", self.issues.iter().map(|i| i.id.as_str()))?;
        unique_ids("levels", self.levels.iter().map(|l| l.id.as_str()))?;
        crate::domain::event::Dyad::parse(&self.dyad, taxonomy)
            .map_err(|e| ("dyad".to_string(), e.problem))?;
        for (i, pillar) in self.pillars.iter().enumerate() {
            // Bounded, so that weighted fixed-point sums cannot overflow.
            if !(pillar.weight > 0.0 && pillar.weight <= MAX_PILLAR_WEIGHT) {
                return fail(
                    &format!("pillars[{i}].weight"),
                    format!(
                        "expected a number above 0 and at most {MAX_PILLAR_WEIGHT}, found {}",
                        pillar.weight
                    ),
                );
            }
        }
        self.check_rules(taxonomy)?;
        self.check_levels()?;
        let method = &self.method;
        if !(method.half_life_days.is_finite() && method.half_life_days > 0.0) {
            return fail(
                "method.half_life_days",
                "expected a positive number of days".into(),
            );
        }
        if !(method.prior_weight.is_finite() && method.prior_weight >= 0.0) {
            return fail("method.prior_weight", "expected a number >= 0".into());
        }
        if method.drivers > 100 {
            return fail("method.drivers", "expected at most 100".into());
        }
        Ok(())
    }

    fn check_rules(&self, taxonomy: &Taxonomy) -> Result<(), (String, String)> {
        for (i, rule) in self.pillar_rules.iter().enumerate() {
            if self.pillar(&rule.pillar).is_none() {
                return Err((
                    format!("pillar_rules[{i}].pillar"),
                    format!("unknown pillar `{}`", rule.pillar),
                ));
            }
            if let Some(issue) = &rule.issue
                && self.issue(issue).is_none()
            {
                return Err((
                    format!("pillar_rules[{i}].issue"),
                    format!("unknown issue `{issue}`"),
                ));
            }
            if let Some(action) = &rule.action
                && taxonomy.action(action).is_none()
            {
                return Err((
                    format!("pillar_rules[{i}].action"),
                    format!("unknown action `{action}`"),
                ));
            }
        }
        match self.pillar_rules.last() {
            Some(last) if last.issue.is_none() && last.action.is_none() => Ok(()),
            _ => Err((
                "pillar_rules".into(),
                "the last rule must set no condition, so that every event gets a pillar".into(),
            )),
        }
    }

    fn check_levels(&self) -> Result<(), (String, String)> {
        match self.levels.first() {
            None => return Err(("levels".into(), "at least one level is needed".into())),
            Some(lowest) if lowest.from > -10.0 => {
                return Err((
                    "levels[0].from".into(),
                    "the lowest level must start at -10 or below".into(),
                ));
            }
            Some(_) => {}
        }
        for (i, pair) in self.levels.windows(2).enumerate() {
            if pair[1].from.partial_cmp(&pair[0].from) != Some(std::cmp::Ordering::Greater) {
                return Err((
                    format!("levels[{}].from", i + 1),
                    "levels must be listed lowest first, each starting above the previous".into(),
                ));
            }
        }
        Ok(())
    }

    /// The pillar with this id.
    pub fn pillar(&self, id: &str) -> Option<&Pillar> {
        self.pillars.iter().find(|p| p.id == id)
    }

    /// The position of the pillar with this id in display order.
    pub fn pillar_index(&self, id: &str) -> Option<usize> {
        self.pillars.iter().position(|p| p.id == id)
    }

    /// The issue with this id.
    pub fn issue(&self, id: &str) -> Option<&Issue> {
        self.issues.iter().find(|i| i.id == id)
    }

    /// The pillar the rules give an event with this action and issue.
    pub fn derive_pillar(&self, action: &str, issue: Option<&str>) -> &str {
        self.pillar_rules
            .iter()
            .find(|rule| {
                rule.issue
                    .as_deref()
                    .is_none_or(|wanted| Some(wanted) == issue)
                    && rule.action.as_deref().is_none_or(|wanted| wanted == action)
            })
            .map(|rule| rule.pillar.as_str())
            // `check_rules` guarantees an unconditional last rule.
            .unwrap_or(self.pillars[0].id.as_str())
    }

    /// The level a score falls in.
    pub fn level_for(&self, score: f64) -> &Level {
        self.levels
            .iter()
            .rev()
            .find(|level| score >= level.from)
            .unwrap_or(&self.levels[0])
    }

    /// How far the level `id` is from the level holding a score of 0: negative below it (more
    /// hostile), positive above (more cooperative), 0 for that level or an unknown id. Renderers
    /// colour levels by it, so that any framework's scale gets colours.
    pub fn level_tone(&self, id: &str) -> i32 {
        let neutral = self.levels.iter().rposition(|l| l.from <= 0.0).unwrap_or(0);
        self.levels
            .iter()
            .position(|l| l.id == id)
            .map_or(0, |index| index as i32 - neutral as i32)
    }

    /// The pillar ids as a comma-separated list, for error messages.
    pub fn pillar_ids(&self) -> String {
        let ids: Vec<&str> = self.pillars.iter().map(|p| p.id.as_str()).collect();
        ids.join(", ")
    }

    /// The issue ids as a comma-separated list, for error messages.
    pub fn issue_ids(&self) -> String {
        let ids: Vec<&str> = self.issues.iter().map(|i| i.id.as_str()).collect();
        ids.join(", ")
    }
}

fn unique_ids<'a>(field: &str, ids: impl Iterator<Item = &'a str>) -> Result<(), (String, String)> {
    let mut seen = HashSet::new();
    for (i, id) in ids.enumerate() {
        if id.is_empty() {
            return Err((format!("{field}[{i}].id"), "must not be empty".into()));
        }
        if !seen.insert(id) {
            return Err((format!("{field}[{i}].id"), format!("duplicate id `{id}`")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin_json() -> serde_json::Value {
        serde_json::from_str(TILLERSON_2017_JSON).expect("built-in framework is JSON")
    }

    fn check(value: serde_json::Value) -> Result<Framework, FrameworkError> {
        Framework::from_json(&value.to_string(), "test", Taxonomy::builtin())
    }

    #[test]
    fn builtin_has_the_three_pillars_and_the_articles_two_lowest_levels() {
        let framework = Framework::builtin();
        let pillars: Vec<_> = framework.pillars.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(pillars, ["pushback", "engagement", "stability"]);
        assert_eq!(framework.levels[0].id, "sewer");
        assert_eq!(framework.levels[1].id, "gutter");
    }

    #[test]
    fn level_tones_count_from_the_level_holding_zero() {
        let framework = Framework::builtin();
        let tones: Vec<i32> = framework
            .levels
            .iter()
            .map(|l| framework.level_tone(&l.id))
            .collect();
        assert_eq!(tones, [-3, -2, -1, 0, 1, 2, 3]);
        assert_eq!(framework.level_tone("no such level"), 0);
    }

    #[test]
    fn the_issues_required_by_the_framework_exist() {
        let framework = Framework::builtin();
        for id in [
            "afghanistan",
            "diplomats",
            "syria",
            "north_korea",
            "cyber",
            "arms_control",
            "sanctions",
            "trade",
            "nato",
        ] {
            assert!(framework.issue(id).is_some(), "missing issue {id}");
        }
    }

    #[test]
    fn pillar_derivation_follows_issue_then_action_then_fallback() {
        let framework = Framework::builtin();
        assert_eq!(
            framework.derive_pillar("consult", Some("syria")),
            "engagement"
        );
        assert_eq!(
            framework.derive_pillar("expel_diplomats", Some("arms_control")),
            "stability"
        );
        assert_eq!(framework.derive_pillar("expel_diplomats", None), "pushback");
        assert_eq!(framework.derive_pillar("consult", None), "engagement");
    }

    #[test]
    fn levels_are_found_by_their_lower_bound() {
        let framework = Framework::builtin();
        assert_eq!(framework.level_for(-10.0).id, "sewer");
        assert_eq!(framework.level_for(-5.0).id, "gutter");
        assert_eq!(framework.level_for(-5.01).id, "sewer");
        assert_eq!(framework.level_for(0.0).id, "steady");
        assert_eq!(framework.level_for(10.0).id, "partnership");
    }

    #[test]
    fn a_rule_naming_an_unknown_pillar_is_refused_with_its_path() {
        let mut json = builtin_json();
        json["pillar_rules"][2]["pillar"] = "detente".into();
        let err = check(json).expect_err("unknown pillar");
        assert!(err.to_string().contains("pillar_rules[2].pillar"), "{err}");
    }

    #[test]
    fn pillar_weights_are_bounded() {
        let mut json = builtin_json();
        json["pillars"][1]["weight"] = 1e300.into();
        let err = check(json).expect_err("too heavy");
        assert!(err.to_string().contains("pillars[1].weight"), "{err}");
    }

    #[test]
    fn rules_without_a_catch_all_are_refused() {
        let mut json = builtin_json();
        json["pillar_rules"]
            .as_array_mut()
            .expect("rules are an array")
            .pop();
        let err = check(json).expect_err("no catch-all");
        assert!(err.to_string().contains("last rule"), "{err}");
    }

    #[test]
    fn levels_out_of_order_are_refused() {
        let mut json = builtin_json();
        json["levels"][3]["from"] = (-6.0).into();
        let err = check(json).expect_err("unordered levels");
        assert!(err.to_string().contains("levels[3].from"), "{err}");
    }

    #[test]
    fn unknown_fields_are_refused_with_their_path() {
        let mut json = builtin_json();
        json["method"]["halflife"] = 3.into();
        let err = check(json).expect_err("unknown field");
        assert!(err.to_string().contains("method"), "{err}");
        assert!(err.to_string().contains("halflife"), "{err}");
    }
}
