//! The codes events are written in: actors (ISO 3166-1 alpha-3 for states, documented upper-case
//! codes for organisations and armed groups) and dyad's action taxonomy, anchored on CAMEO and
//! PLOVER, each action with a default intensity *as it bears on the tracked relationship*.
//!
//! Both lists are data files shipped inside the binary (`src/domain/data/`).

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

/// What kind of party an actor code names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// A state, coded by its ISO 3166-1 alpha-3 code.
    State,
    /// An international or intergovernmental organisation.
    Organization,
    /// A non-state armed group.
    ArmedGroup,
}

/// One actor code.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// The code, e.g. `RUS`, `NATO`, `TALIBAN`.
    pub code: String,
    /// A short English name.
    pub name: String,
    /// State, organisation or armed group.
    pub kind: ActorKind,
}

/// One action code of dyad's taxonomy.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// The code, e.g. `expel_diplomats`.
    pub code: String,
    /// What the code means.
    pub title: String,
    /// The CAMEO code it is anchored on (`-` when none).
    pub cameo: String,
    /// The PLOVER event type it is anchored on (`-` when none).
    pub plover: String,
    /// Default intensity, −10 (most hostile) … +10 (most cooperative), for the tracked dyad.
    pub intensity: f64,
    /// Why the default differs from Goldstein's, or how to use the code.
    pub note: String,
}

/// The actor and action codes dyad accepts.
#[derive(Debug)]
pub struct Taxonomy {
    actors: Vec<Actor>,
    actions: Vec<Action>,
    actor_index: HashMap<String, usize>,
    action_index: HashMap<String, usize>,
}

const ACTORS_JSON: &str = include_str!("data/actors.json");
const ACTIONS_JSON: &str = include_str!("data/actions.json");

impl Taxonomy {
    /// The taxonomy shipped in the binary. Its data files are checked by the tests, so a failure
    /// to parse them is a build defect, not a user error.
    pub fn builtin() -> &'static Taxonomy {
        static BUILTIN: OnceLock<Taxonomy> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let actors = serde_json::from_str(ACTORS_JSON)
                .unwrap_or_else(|e| panic!("built-in actors.json is invalid: {e}"));
            let actions = serde_json::from_str(ACTIONS_JSON)
                .unwrap_or_else(|e| panic!("built-in actions.json is invalid: {e}"));
            Taxonomy::new(actors, actions)
        })
    }

    fn new(actors: Vec<Actor>, actions: Vec<Action>) -> Self {
        let actor_index = actors
            .iter()
            .enumerate()
            .map(|(i, a)| (a.code.clone(), i))
            .collect();
        let action_index = actions
            .iter()
            .enumerate()
            .map(|(i, a)| (a.code.clone(), i))
            .collect();
        Self {
            actors,
            actions,
            actor_index,
            action_index,
        }
    }

    /// The actor with this code, if known.
    pub fn actor(&self, code: &str) -> Option<&Actor> {
        self.actor_index.get(code).map(|&i| &self.actors[i])
    }

    /// The action with this code, if known.
    pub fn action(&self, code: &str) -> Option<&Action> {
        self.action_index.get(code).map(|&i| &self.actions[i])
    }

    /// All actor codes, states first (sorted), then the others.
    pub fn actors(&self) -> &[Actor] {
        &self.actors
    }

    /// All action codes, from the most cooperative family to the most hostile.
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// The action codes as a comma-separated list, for error messages.
    pub fn action_codes(&self) -> String {
        let codes: Vec<&str> = self.actions.iter().map(|a| a.code.as_str()).collect();
        codes.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn builtin_data_parses_with_unique_codes() {
        let taxonomy = Taxonomy::builtin();
        let actor_codes: HashSet<_> = taxonomy.actors().iter().map(|a| &a.code).collect();
        assert_eq!(actor_codes.len(), taxonomy.actors().len());
        let action_codes: HashSet<_> = taxonomy.actions().iter().map(|a| &a.code).collect();
        assert_eq!(action_codes.len(), taxonomy.actions().len());
    }

    #[test]
    fn every_state_is_an_iso_alpha3_code() {
        let states: Vec<_> = Taxonomy::builtin()
            .actors()
            .iter()
            .filter(|a| a.kind == ActorKind::State)
            .collect();
        assert_eq!(states.len(), 249, "ISO 3166-1 assigns 249 alpha-3 codes");
        assert!(
            states
                .iter()
                .all(|a| a.code.len() == 3 && a.code.bytes().all(|b| b.is_ascii_uppercase()))
        );
    }

    #[test]
    fn default_intensities_are_on_the_scale() {
        for action in Taxonomy::builtin().actions() {
            assert!(
                (-10.0..=10.0).contains(&action.intensity),
                "{} has intensity {}",
                action.code,
                action.intensity
            );
        }
    }

    #[test]
    fn arming_an_adversary_is_hostile_to_the_dyad() {
        let taxonomy = Taxonomy::builtin();
        assert!(taxonomy.action("arm_adversary").map(|a| a.intensity) < Some(0.0));
        assert!(taxonomy.action("provide_aid").map(|a| a.intensity) > Some(0.0));
    }
}
