//! The news coder reads grammar: each pattern that a keyword coder gets wrong, on sentences
//! written for these tests (not taken from any article).

use dyad::domain::event::EventKind;
use dyad::domain::framework::Framework;
use dyad::ingest::coder::{CodingOptions, Dictionary, Proposal, code};
use dyad::ingest::evaluation::sign_of;

/// Codes a one-paragraph article published on Friday 2018-03-30.
fn coded(body: &str) -> Vec<Proposal> {
    coded_with_title("Wire report", body)
}

fn coded_with_title(title: &str, body: &str) -> Vec<Proposal> {
    let text = format!("{title}\n\n{body}");
    let options = CodingOptions {
        outlet: Some("Test Wire".into()),
        published: "2018-03-30".parse().ok(),
        url: None,
    };
    code(
        &text,
        &Dictionary::builtin(),
        &Framework::builtin(),
        &options,
    )
    .expect("codes")
}

fn pillar(proposal: &Proposal) -> String {
    let framework = Framework::builtin();
    proposal.event.pillar.clone().unwrap_or_else(|| {
        framework
            .derive_pillar(&proposal.event.action, proposal.event.issue.as_deref())
            .to_string()
    })
}

fn show(proposals: &[Proposal]) -> String {
    proposals
        .iter()
        .map(|p| {
            format!(
                "{} {}→{} {} {} [{}]\n{}",
                p.event.occurred_on,
                p.event.actor,
                p.event.target,
                p.event.action,
                p.event.issue.as_deref().unwrap_or("-"),
                p.note,
                p.explanation
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first proposal `wanted` picks; without one the test fails with `missing` and all of them.
fn find<'p>(
    proposals: &'p [Proposal],
    missing: &str,
    wanted: impl Fn(&Proposal) -> bool,
) -> &'p Proposal {
    proposals
        .iter()
        .find(|p| wanted(p))
        .unwrap_or_else(|| panic!("{missing}:\n{}", show(proposals)))
}

/// Fails, listing them all, where any proposal is coded `action`.
fn assert_none_is(proposals: &[Proposal], action: &str) {
    assert!(
        proposals.iter().all(|p| p.event.action != action),
        "none should be {action}:\n{}",
        show(proposals)
    );
}

/// Who acts and toward whom.
fn parties(proposal: &Proposal) -> (&str, &str) {
    (
        proposal.event.actor.as_str(),
        proposal.event.target.as_str(),
    )
}

fn has(proposals: &[Proposal], actor: &str, target: &str, sign: &str) -> bool {
    proposals
        .iter()
        .any(|p| p.event.actor == actor && p.event.target == target && sign_of(p) == sign)
}

#[test]
fn the_actor_is_the_one_who_orders_not_the_one_ordered() {
    let proposals =
        coded("The State Department ordered Russia to close its consulate in Seattle on Monday.");
    assert!(
        has(&proposals, "USA", "RUS", "negative"),
        "{}",
        show(&proposals)
    );
    assert!(
        !has(&proposals, "RUS", "USA", "negative"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn a_pronoun_in_what_a_side_says_is_that_side() {
    let proposals = coded(
        "Russia notified the United States on Tuesday that it was suspending the military hotline.",
    );
    assert!(
        has(&proposals, "RUS", "USA", "negative"),
        "{}",
        show(&proposals)
    );
    assert!(
        !has(&proposals, "USA", "RUS", "negative"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn an_accusation_is_the_accusers_statement_not_the_act_it_alleges() {
    let proposals = coded(
        "A senior American general suggested on Wednesday that Russia is arming the Taliban.",
    );
    assert!(
        proposals.iter().any(|p| p.event.actor == "USA"
            && p.event.target == "RUS"
            && p.event.kind == EventKind::Statement
            && sign_of(p) == "negative"),
        "{}",
        show(&proposals)
    );
    assert!(
        !proposals.iter().any(|p| p.event.action == "arm_adversary"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn fears_and_conditionals_are_not_facts() {
    let proposals = coded(
        "Washington is concerned that Russia will invade Ukraine. An invasion would trigger \
         severe sanctions, the White House said.",
    );
    assert!(
        !proposals
            .iter()
            .any(|p| matches!(p.event.action.as_str(), "fight" | "impose_sanctions")),
        "{}",
        show(&proposals)
    );
}

#[test]
fn negations_and_wishes_are_not_deeds() {
    let proposals = coded(
        "The United States stopped short of expelling Russian diplomats on Thursday. Russian \
         officials said the sanctions should be eased. Moscow did not expel any American diplomats.",
    );
    assert!(
        !proposals
            .iter()
            .any(|p| matches!(p.event.action.as_str(), "expel_diplomats" | "yield")),
        "{}",
        show(&proposals)
    );
}

#[test]
fn the_verb_with_its_object_gives_the_meaning() {
    let proposals = coded("Russia and the United States struck an agreement on Syria on Monday.");
    assert!(
        proposals
            .iter()
            .any(|p| p.event.action == "sign_agreement" && sign_of(p) == "positive"),
        "{}",
        show(&proposals)
    );
    assert!(
        !proposals.iter().any(|p| sign_of(p) == "negative"),
        "{}",
        show(&proposals)
    );
    let together = coded(
        "The two countries must work together to combat terrorism, Russian President Vladimir \
         Putin said.",
    );
    assert!(
        !together.iter().any(|p| sign_of(p) == "negative"),
        "{}",
        show(&together)
    );
}

#[test]
fn background_keeps_its_own_date_or_is_left_out() {
    let proposals = coded(
        "American officials have long complained that Russia violates the treaty. Russia had \
         signed the treaty with the United States in 2010.",
    );
    assert!(
        !proposals
            .iter()
            .any(|p| p.event.occurred_on == "2018-03-30"),
        "nothing is dated to the publication day: {}",
        show(&proposals)
    );
    assert!(
        proposals
            .iter()
            .all(|p| p.event.occurred_on.starts_with("2010")),
        "{}",
        show(&proposals)
    );
}

#[test]
fn each_clause_is_dated_by_its_own_time() {
    let proposals = coded(
        "Russia suspended the agreement on Monday, referring to a deal reached with Washington \
         on March 3.",
    );
    let suspension = proposals
        .iter()
        .find(|p| p.event.action == "reduce_relations")
        .unwrap_or_else(|| panic!("the suspension: {}", show(&proposals)));
    assert_eq!(
        suspension.event.occurred_on,
        "2018-03-26",
        "{}",
        show(&proposals)
    );
}

#[test]
fn a_place_or_topic_is_not_the_target() {
    let proposals = coded(
        "Russia and the United States signed a memorandum on flight safety in Syrian airspace on \
         Tuesday.",
    );
    assert!(
        !proposals.iter().any(|p| p.event.target == "SYR"),
        "{}",
        show(&proposals)
    );
    assert!(
        proposals.iter().any(|p| {
            let pair = [p.event.actor.as_str(), p.event.target.as_str()];
            pair.contains(&"USA") && pair.contains(&"RUS") && sign_of(p) == "positive"
        }),
        "{}",
        show(&proposals)
    );
}

#[test]
fn a_restated_event_is_one_proposal() {
    let proposals = coded_with_title(
        "US expels 60 Russian diplomats",
        "The United States expelled 60 Russian diplomats on Monday. The expulsions were ordered \
         by President Donald Trump. \"We expelled them,\" a senior official said.",
    );
    let expulsions = proposals
        .iter()
        .filter(|p| p.event.action == "expel_diplomats")
        .count();
    assert_eq!(expulsions, 1, "{}", show(&proposals));
}

#[test]
fn coordinated_subjects_and_verbs_give_their_events() {
    let proposals = coded(
        "The White House responded on Thursday, announcing the expulsion of 35 Russian diplomats \
         and announcing new sanctions on Russia.",
    );
    for action in ["expel_diplomats", "impose_sanctions"] {
        assert!(
            proposals
                .iter()
                .any(|p| p.event.action == action && p.event.actor == "USA"),
            "{action}: {}",
            show(&proposals)
        );
    }
    let joint = coded(
        "The United States and Russia joined a unanimous vote in the Security Council on Monday.",
    );
    assert!(
        joint.iter().any(|p| sign_of(p) == "positive"),
        "{}",
        show(&joint)
    );
}

#[test]
fn the_pillar_follows_what_the_event_is_about() {
    let proposals = coded(
        "President Trump signed a law on Wednesday imposing sanctions on Russia that also names \
         North Korea.",
    );
    let sanctions = proposals
        .iter()
        .find(|p| p.event.action == "impose_sanctions")
        .unwrap_or_else(|| panic!("the sanctions: {}", show(&proposals)));
    assert_eq!(pillar(sanctions), "pushback");
    assert_eq!(sanctions.event.issue.as_deref(), Some("sanctions"));
}

#[test]
fn what_a_side_says_the_other_must_do_is_its_demand() {
    let proposals = coded(
        "Lavrov said he told his American counterpart on Thursday that Washington must withdraw \
         its troops.",
    );
    let demand = proposals
        .iter()
        .find(|p| p.event.action == "demand")
        .unwrap_or_else(|| panic!("the demand: {}", show(&proposals)));
    assert_eq!(parties(demand), ("RUS", "USA"));
    assert!(
        !proposals.iter().any(|p| p.event.actor == "USA"),
        "the withdrawal is asked, not done: {}",
        show(&proposals)
    );
}

#[test]
fn a_hostile_event_with_no_topic_is_filed_where_the_framework_files_hostility() {
    let proposals = coded("The White House on Thursday accused Moscow of lying.");
    let accusation = proposals
        .iter()
        .find(|p| p.event.action == "disapprove")
        .unwrap_or_else(|| panic!("the accusation: {}", show(&proposals)));
    assert_eq!(accusation.event.issue, None);
    assert_eq!(pillar(accusation), "pushback");
}

#[test]
fn a_title_case_headline_is_read_for_its_verb() {
    let proposals = coded_with_title(
        "Russia Halts US Inspections Under Nuclear Treaty",
        "Moscow said the treaty was still in force.",
    );
    assert!(
        proposals
            .iter()
            .any(|p| p.event.actor == "RUS" && p.event.action == "reduce_relations"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn an_envoy_to_the_other_side_speaks_for_his_own_about_what_he_names() {
    let proposals = coded(
        "The Russian ambassador to the U.S. on Thursday slammed Washington for an incident \
         involving a Russian fighter jet and an American drone.",
    );
    let protest = proposals
        .iter()
        .find(|p| p.event.action == "disapprove")
        .unwrap_or_else(|| panic!("the protest: {}", show(&proposals)));
    assert_eq!(parties(protest), ("RUS", "USA"));
    assert_eq!(protest.event.issue.as_deref(), Some("military_channels"));
}

#[test]
fn a_finding_about_the_other_side_is_the_finders_accusation() {
    let proposals = coded_with_title(
        "Finding on a treaty",
        "WASHINGTON -- The United States has concluded that Russia tested a banned cruise missile.",
    );
    assert!(
        has(&proposals, "USA", "RUS", "negative"),
        "{}",
        show(&proposals)
    );
    assert!(
        !has(&proposals, "RUS", "USA", "negative"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn a_meeting_named_by_both_sides_is_their_joint_meeting_unless_only_planned() {
    let held = coded_with_title(
        "Trump-Putin meeting dominates summit of twenty nations",
        "The two leaders spoke for two hours.",
    );
    assert!(
        held.iter().any(|p| p.event.action == "hold_summit"),
        "{}",
        show(&held)
    );
    let planned = coded("A planned U.S.-Russia meeting in Vienna drew protests.");
    assert!(
        !planned
            .iter()
            .any(|p| matches!(p.event.action.as_str(), "consult" | "hold_summit")),
        "{}",
        show(&planned)
    );
}

#[test]
fn two_speakers_statements_are_two_events_and_being_asked_is_no_appeal() {
    let proposals = coded(
        "President Trump on Thursday called on Russia to withdraw its troops from Venezuela. \
         Vice President Pence called the arrival of the Russian planes a provocation. Asked how \
         he would make them leave, Trump said all options were open.",
    );
    let actions: Vec<&str> = proposals.iter().map(|p| p.event.action.as_str()).collect();
    assert!(actions.contains(&"demand"), "{}", show(&proposals));
    assert!(actions.contains(&"disapprove"), "{}", show(&proposals));
    assert!(!actions.contains(&"appeal"), "{}", show(&proposals));
}

#[test]
fn ceasing_to_cooperate_is_a_reduction_of_relations() {
    let proposals =
        coded("Russia stopped cooperating with the United States on Syria on Thursday.");
    assert!(
        proposals
            .iter()
            .any(|p| p.event.actor == "RUS" && p.event.action == "reduce_relations"),
        "{}",
        show(&proposals)
    );
    assert!(
        !has(&proposals, "RUS", "USA", "positive"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn a_side_saying_it_did_not_do_a_hostile_deed_denies_it() {
    let proposals = coded(
        "Russia did not attack the American convoy, the Russian defense ministry said on Thursday.",
    );
    let denial = proposals
        .iter()
        .find(|p| p.event.action == "reject")
        .unwrap_or_else(|| panic!("the denial: {}", show(&proposals)));
    assert_eq!(parties(denial), ("RUS", "USA"));
    assert!(
        !proposals.iter().any(|p| p.event.action == "fight"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn urging_the_other_side_to_act_is_the_urgers_appeal_not_its_intent() {
    let proposals = coded("Blinken on Thursday urged Russia to return to the New START treaty.");
    let appeal = proposals
        .iter()
        .find(|p| p.event.action == "appeal")
        .unwrap_or_else(|| panic!("the appeal: {}", show(&proposals)));
    assert_eq!(parties(appeal), ("USA", "RUS"));
    assert!(
        !proposals.iter().any(|p| p.event.actor == "RUS"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn a_deed_according_to_the_other_side_is_its_allegation_dated_when_said() {
    let proposals =
        coded("Russia began testing the cruise missiles in 2008, according to U.S. officials.");
    let allegation = proposals
        .iter()
        .find(|p| p.event.action == "disapprove")
        .unwrap_or_else(|| panic!("the allegation: {}", show(&proposals)));
    assert_eq!(parties(allegation), ("USA", "RUS"));
    assert_eq!(allegation.event.occurred_on.to_string(), "2018-03-30");
    assert!(
        !has(&proposals, "RUS", "USA", "negative"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn an_official_confirming_what_the_other_side_did_accuses_it() {
    let proposals = coded(
        "A top U.S. military official confirmed Wednesday that Russia has deployed a new \
         cruise missile.",
    );
    assert!(
        has(&proposals, "USA", "RUS", "negative"),
        "{}",
        show(&proposals)
    );
    assert!(
        !has(&proposals, "RUS", "USA", "negative"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn a_call_with_the_other_side_is_a_consultation_unless_it_was_suspended() {
    let held = coded("Trump spoke warmly of Russia after his call with Putin on Monday.");
    assert!(
        held.iter().any(|p| p.event.action == "consult"),
        "{}",
        show(&held)
    );
    let suspended =
        coded("The United States on Monday suspended negotiations with Russia on a ceasefire.");
    assert!(
        !suspended.iter().any(|p| p.event.action == "consult"),
        "{}",
        show(&suspended)
    );
}

#[test]
fn a_purpose_on_the_object_is_the_subjects_and_a_restatement_is_one_statement() {
    let proposals = coded(
        "Obama used a speech in Tallinn on Wednesday to denounce Russian aggression. Obama \
         condemned Russia's conduct as a brazen assault.",
    );
    let statements: Vec<&Proposal> = proposals
        .iter()
        .filter(|p| p.event.actor == "USA" && p.event.target == "RUS")
        .collect();
    assert_eq!(statements.len(), 1, "{}", show(&proposals));
    assert_eq!(statements[0].event.action, "disapprove");
}

#[test]
fn a_treaty_signed_between_the_two_sides_is_their_joint_act_dated_by_its_year() {
    let proposals =
        coded("The INF Treaty was signed in 1987 between the Soviet Union and the United States.");
    let signed = proposals
        .iter()
        .find(|p| p.event.action == "sign_agreement")
        .unwrap_or_else(|| panic!("the signing: {}", show(&proposals)));
    assert!(
        signed.event.occurred_on.to_string().starts_with("1987"),
        "{}",
        show(&proposals)
    );
    assert_eq!(proposals.len(), 1, "one joint act: {}", show(&proposals));
}

#[test]
fn leaders_on_the_telephone_consult_and_leaders_meeting_hold_a_summit() {
    let called = coded("Putin and Obama discussed Syria by telephone on Thursday.");
    assert!(
        called.iter().any(|p| p.event.action == "consult")
            && !called.iter().any(|p| p.event.action == "hold_summit"),
        "{}",
        show(&called)
    );
    let met = coded("Putin and Obama met in Geneva on Thursday.");
    assert!(
        met.iter().any(|p| p.event.action == "hold_summit"),
        "{}",
        show(&met)
    );
}

#[test]
fn a_passive_is_done_by_its_agent_to_its_subject() {
    let proposals = coded("Two American diplomats were expelled by Russia on Monday.");
    assert!(
        has(&proposals, "RUS", "USA", "negative"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn an_article_about_something_else_yields_nothing() {
    let proposals = coded(
        "Moscow's mayor opened a new metro line on Monday. Washington's baseball team won its \
         game against Boston.",
    );
    assert!(proposals.is_empty(), "{}", show(&proposals));
}

#[test]
fn talks_between_the_sides_on_a_hostile_issue_are_engagement_not_push_back() {
    let proposals = coded(
        "Secretary of State Pompeo held three hours of talks with Foreign Minister Lavrov on \
         Tuesday about the war in Ukraine.",
    );
    let talks = find(&proposals, "no consultation", |p| {
        p.event.action == "consult"
    });
    assert_eq!(
        talks.event.issue.as_deref(),
        Some("ukraine"),
        "{}",
        show(&proposals)
    );
    assert_eq!(pillar(talks), "engagement", "{}", show(&proposals));
    // The push back itself stays where it is.
    let sanctions = coded("The Treasury imposed sanctions on Russia on Tuesday over Ukraine.");
    assert!(
        sanctions.iter().all(|p| pillar(p) == "pushback"),
        "{}",
        show(&sanctions)
    );
}

#[test]
fn deconfliction_is_about_the_military_channel_wherever_it_happens() {
    let proposals = coded(
        "American and Russian defense officials signed a memorandum on Tuesday on flight \
         safety over Syria.",
    );
    let signed = find(&proposals, "no agreement", |p| {
        p.event.action == "sign_agreement"
    });
    assert_eq!(
        signed.event.issue.as_deref(),
        Some("military_channels"),
        "{}",
        show(&proposals)
    );
    assert_eq!(pillar(signed), "stability");
}

#[test]
fn the_two_leaders_are_the_dyad_only_where_the_text_is_about_both_sides() {
    let proposals = coded_with_title(
        "Putin visits Beijing",
        "President Putin arrived in Beijing on Thursday for talks with President Xi. The two \
         leaders planned to celebrate the anniversary of their relations at a concert. Trade \
         between the countries grew last year. Officials gave no details. The visit ends on \
         Sunday. A week ago the United States criticised the trade.",
    );
    assert!(
        !has(&proposals, "RUS", "USA", "positive") && !has(&proposals, "USA", "RUS", "positive"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn praise_of_someone_who_is_neither_side_is_not_about_the_other_side() {
    let proposals = coded(
        "President Trump said on Friday that Manafort was a good man and that the case had \
         nothing to do with Russia.",
    );
    assert!(proposals.is_empty(), "{}", show(&proposals));
}

#[test]
fn an_unnamed_target_is_the_other_side_only_near_where_the_text_names_it() {
    let far = coded(
        "Washington said on Monday that it would review its grain tariffs. The ministry gave \
         no reason. Farmers were angry. Prices rose in the spring. Traders waited. Russia \
         warned on Friday of tough measures.",
    );
    assert!(!has(&far, "RUS", "USA", "negative"), "{}", show(&far));
    let near = coded(
        "The United States expelled two Russian diplomats on Monday. Russia warned on Friday \
         of tough measures.",
    );
    assert!(has(&near, "RUS", "USA", "negative"), "{}", show(&near));
}

#[test]
fn declining_to_comment_rejects_nothing() {
    let proposals = coded(
        "The United States expelled two Russian diplomats on Monday. The Kremlin declined to \
         comment on Tuesday.",
    );
    assert_none_is(&proposals, "reject");
}

#[test]
fn what_happened_a_week_before_is_not_dated_by_the_clause_it_hangs_from() {
    let proposals = coded(
        "Secretary Austin and Minister Shoigu last spoke on March 2, a week before Russia \
         launched its offensive in Ukraine.",
    );
    assert_none_is(&proposals, "fight");
}

#[test]
fn charges_filed_against_the_other_sides_people_coerce_them() {
    let proposals = coded(
        "The Justice Department on Wednesday filed charges against two employees of Russian \
         state television.",
    );
    let charged = find(&proposals, "no coercion", |p| p.event.action == "coerce");
    assert_eq!(parties(charged), ("USA", "RUS"));
    assert_eq!(charged.event.occurred_on, "2018-03-28");
}

#[test]
fn troops_sent_to_an_ally_reassure_it() {
    let proposals =
        coded("The U.S. sent 1,000 troops to Poland on Friday, in a message to Russia.");
    let sent = find(&proposals, "no reassurance", |p| {
        p.event.action == "reassure_allies"
    });
    assert_eq!(parties(sent), ("USA", "POL"));
    assert!(
        !has(&proposals, "USA", "RUS", "negative"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn a_meeting_scheduled_is_not_a_meeting_held() {
    let proposals = coded(
        "National Security Adviser Bolton is scheduled to meet with President Putin on \
         Tuesday.",
    );
    assert_none_is(&proposals, "consult");
}

#[test]
fn an_attribution_after_a_quoted_assessment_is_the_speakers_disapproval() {
    let proposals = coded(
        "Russia's latest missile tests are \u{201c}deeply troubling,\u{201d} a State \
         Department spokesman said.",
    );
    assert!(
        has(&proposals, "USA", "RUS", "negative"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn weapons_sent_to_a_partner_arm_it_and_troops_reassure_it() {
    let proposals = coded("Russia sent missiles to North Korea on Monday.");
    assert!(
        proposals
            .iter()
            .any(|p| p.event.action == "arm_adversary" && p.event.target == "PRK"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn a_headline_opening_with_a_known_person_and_a_colon_is_that_persons_statement() {
    let proposals = coded_with_title(
        "Lavrov: US sanctions on Russian banks are illegal",
        "The foreign minister spoke to reporters in Moscow.",
    );
    let said = find(&proposals, "no statement by Russia", |p| {
        p.event.actor == "RUS"
    });
    assert_eq!(said.event.kind, EventKind::Statement);
    assert_eq!(said.event.target, "USA");
    assert_eq!(sign_of(said), "negative");
    // A place before the colon is no speaker.
    let place = coded_with_title(
        "Geneva: US and Russia hold talks on arms control",
        "Delegations met on Friday.",
    );
    assert!(
        place.iter().all(|p| p.event.kind != EventKind::Statement),
        "{}",
        show(&place)
    );
}

#[test]
fn telling_the_other_side_not_to_do_something_is_a_demand() {
    let proposals = coded("President Trump told President Putin not to interfere in the election.");
    let told = find(&proposals, "no demand", |p| p.event.actor == "USA");
    assert_eq!(told.event.action, "demand", "{}", show(&proposals));
    assert_eq!(told.event.target, "RUS");
}

#[test]
fn someone_somewhere_meeting_with_the_other_side_consults_it() {
    let proposals =
        coded("Secretary Kerry was in Geneva on Friday meeting with Foreign Minister Lavrov.");
    assert!(
        proposals
            .iter()
            .any(|p| p.event.action == "consult" && p.event.occurred_on == "2018-03-30"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn a_wire_dateline_is_not_the_first_sentences_subject() {
    let proposals = coded(
        "WASHINGTON, March 29 (Wire) -- Russia barred nine U.S. legislators from entry on \
         Thursday.",
    );
    assert!(
        has(&proposals, "RUS", "USA", "negative"),
        "{}",
        show(&proposals)
    );
    let proposals =
        coded("GENEVA, March 29 The United States and Russia hailed a deal on Syria on Thursday.");
    assert!(
        proposals.iter().any(|p| p.event.action == "praise"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn a_day_the_parser_fuses_with_a_noun_leaves_the_noun_its_place() {
    // The parser reads `entry Thursday` as one noun and `court Monday` as the subject `Monday`.
    let barred = coded("Russia barred nine U.S. legislators from entry Thursday.");
    assert!(
        barred.iter().any(|p| p.event.action == "impose_sanctions"),
        "{}",
        show(&barred)
    );
    let sentenced = coded(
        "A Russian court Monday sentenced an American businessman to 16 years in prison on \
         spying charges.",
    );
    assert!(
        has(&sentenced, "RUS", "USA", "negative"),
        "{}",
        show(&sentenced)
    );
}

#[test]
fn voicing_concern_to_the_other_side_disapproves() {
    let proposals = coded(
        "President Biden voiced deep concern to Putin over the Russian build-up near Ukraine.",
    );
    let voiced = find(&proposals, "no disapproval", |p| {
        p.event.action == "disapprove"
    });
    assert_eq!(parties(voiced), ("USA", "RUS"));
    assert_eq!(pillar(voiced), "pushback");
}

#[test]
fn leaders_who_spoke_consulted_and_what_they_spoke_about_is_no_deed() {
    let proposals = coded(
        "President Donald Trump spoke with Russian President Vladimir Putin for an hour on \
         Friday about extending the New START treaty.",
    );
    let actions: Vec<&str> = proposals.iter().map(|p| p.event.action.as_str()).collect();
    assert_eq!(actions, ["consult"], "{}", show(&proposals));
}

#[test]
fn one_speakers_words_in_one_sentence_are_one_statement() {
    let proposals = coded(
        "The United States accused Russia of hacking on Friday. Russia dismissed the \
         accusations, with a Kremlin spokesman saying they were groundless.",
    );
    let answers = proposals.iter().filter(|p| p.event.actor == "RUS").count();
    assert_eq!(answers, 1, "{}", show(&proposals));
}

#[test]
fn the_talks_a_summit_was_are_the_summit() {
    let proposals = coded(
        "President Biden and President Putin held a summit in Geneva on Wednesday. Putin said \
         his talks with Biden were productive.",
    );
    let meetings: Vec<&str> = proposals
        .iter()
        .map(|p| p.event.action.as_str())
        .filter(|a| matches!(*a, "consult" | "hold_summit"))
        .collect();
    assert_eq!(meetings, ["hold_summit"], "{}", show(&proposals));
}

#[test]
fn what_has_happened_is_news_in_the_lead_and_the_story_so_far_further_down() {
    let lead = coded("The United States has imposed new sanctions on Russia.");
    assert!(
        lead.iter().any(|p| p.event.action == "impose_sanctions"),
        "{}",
        show(&lead)
    );
    let further = coded(
        "Secretary Blinken met Foreign Minister Lavrov in Geneva on Friday. They spoke for two \
         hours. Reporters waited outside. The talks ended at noon. Both men left quickly. \
         Officials gave no details. Since the war, the United States has imposed sanctions on \
         Russia.",
    );
    assert_none_is(&further, "impose_sanctions");
}

#[test]
fn what_a_meeting_is_for_is_the_meeting() {
    let proposals = coded(
        "Secretary of State John Kerry met Russian President Vladimir Putin at the Kremlin on \
         Tuesday to seek agreement on Syria.",
    );
    let actions: Vec<&str> = proposals.iter().map(|p| p.event.action.as_str()).collect();
    assert_eq!(actions, ["consult"], "{}", show(&proposals));
}

fn dyad(args: &[&str], stdin: &str) -> (Option<i32>, String, String) {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dyad"))
        .env_remove("DYAD_DB")
        .arg("--db")
        .arg(dir.path().join("dyad.db"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run dyad");
    // dyad may exit before reading its input (a refused argument): a broken pipe is its answer.
    if let Err(error) = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
    {
        assert_eq!(
            error.kind(),
            std::io::ErrorKind::BrokenPipe,
            "write stdin: {error}"
        );
    }
    let output = child.wait_with_output().expect("dyad ends");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn dyad_parse_prints_each_sentence_as_conllu() {
    let (code, out, err) = dyad(
        &["parse", "-"],
        "Russia expelled two American diplomats on Monday. Washington protested.",
    );
    assert_eq!(code, Some(0), "{err}");
    let sentences: Vec<&str> = out.split("\n\n").filter(|s| !s.trim().is_empty()).collect();
    assert_eq!(sentences.len(), 2, "{out}");
    assert!(
        sentences[0].starts_with("# text = Russia expelled"),
        "{out}"
    );
    let rows: Vec<Vec<&str>> = sentences[0]
        .lines()
        .skip(1)
        .map(|line| line.split('\t').collect())
        .collect();
    assert!(
        rows.iter().all(|row| row.len() == 10),
        "ten CoNLL-U columns: {out}"
    );
    let russia = &rows[0];
    assert_eq!((russia[1], russia[7]), ("Russia", "nsubj"), "{out}");
    let diplomats = rows
        .iter()
        .find(|row| row[1] == "diplomats")
        .expect("a row");
    assert_eq!((diplomats[2], diplomats[7]), ("diplomat", "obj"), "{out}");
}

#[test]
fn dyad_parse_prints_the_sentence_and_the_tree_the_coder_reads() {
    // Reported speech first, and the day that the parser fuses with `entry` mended.
    let (code, out, err) = dyad(
        &["parse", "-"],
        "Russia barred nine U.S. legislators from entry Thursday, a spokesman said.",
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.starts_with("# text = a spokesman said that Russia barred"),
        "{out}"
    );
    let row = |form: &str| -> Vec<String> {
        out.lines()
            .map(|line| line.split('\t').map(str::to_string).collect::<Vec<_>>())
            .find(|row| row.len() == 10 && row[1] == form)
            .unwrap_or_else(|| panic!("no row for {form}: {out}"))
    };
    assert_eq!(
        row("entry")[6],
        row("barred")[0],
        "entry hangs on the verb: {out}"
    );
}

#[test]
fn ingest_explain_shows_the_clause_the_roles_and_the_entry() {
    let article = "Wire report\n\nThe State Department ordered Russia to close its consulate in Seattle on Monday.\n";
    let (code, out, err) = dyad(
        &[
            "ingest",
            "-",
            "--outlet",
            "Test Wire",
            "--published",
            "2018-03-30",
            "--explain",
        ],
        article,
    );
    assert_eq!(code, Some(0), "{err}");
    for expected in [
        "| clause: ",
        "frame `close`",
        "| actor: USA",
        "| target: RUS (the one ordered)",
        "| date: 2018-03-26 (Stated)",
    ] {
        assert!(out.contains(expected), "`{expected}` in {out}");
    }
    let (code, _, err) = dyad(&["ingest", "-", "--explain", "--json"], article);
    assert_eq!(code, Some(2), "--explain and --json conflict: {err}");
}

#[test]
fn a_weekday_the_parser_reads_as_subject_or_object_dates_the_clause() {
    // Read as `on` marking a subject `Tuesday`, and as the object of `said`.
    let announced = coded(
        "The United States on Tuesday announced sanctions on two Russian shipping companies.",
    );
    let sanctions = find(&announced, "no sanctions", |p| {
        p.event.action == "impose_sanctions"
    });
    assert_eq!(
        (
            sanctions.event.actor.as_str(),
            sanctions.event.occurred_on.as_str()
        ),
        ("USA", "2018-03-27"),
        "{}",
        show(&announced)
    );
    let said = coded(
        "Foreign Minister Sergey Lavrov on Wednesday called for the expulsion of 35 U.S. \
         diplomats.",
    );
    let called = find(&said, "no call", |p| p.event.actor == "RUS");
    assert_eq!(called.event.occurred_on, "2018-03-28", "{}", show(&said));
}

#[test]
fn a_headline_without_a_topic_takes_the_topic_of_the_lead_that_restates_it() {
    let proposals = coded_with_title(
        "U.S. raises concerns over Putin's decision",
        "The United States is deeply concerned about Russia's decision to withdraw its \
         ratification of the nuclear test ban treaty, Secretary of State Antony Blinken said.",
    );
    let concern = find(&proposals, "no concern", |p| {
        p.event.actor == "USA" && sign_of(p) == "negative"
    });
    assert_eq!(pillar(concern), "stability", "{}", show(&proposals));
    assert_eq!(proposals.len(), 1, "{}", show(&proposals));
}

#[test]
fn an_encounter_reported_by_the_side_it_was_done_to_is_the_encounter_and_that_sides_word() {
    let proposals = coded(
        "A Russian fighter jet conducted a barrel roll within 25 feet of a U.S. reconnaissance \
         plane over the Baltic Sea on Tuesday, the Pentagon said.",
    );
    let encounter = find(&proposals, "no encounter", |p| {
        p.event.action == "show_force"
    });
    assert_eq!(
        (
            encounter.event.actor.as_str(),
            encounter.event.target.as_str(),
            encounter.event.occurred_on.as_str()
        ),
        ("RUS", "USA", "2018-03-27"),
        "{}",
        show(&proposals)
    );
    assert!(
        has(&proposals, "USA", "RUS", "negative"),
        "{}",
        show(&proposals)
    );
    // An accusation is only the accuser's word.
    let accused =
        coded("Moscow accused a U.S. destroyer of sailing into Russian waters on Tuesday.");
    assert_none_is(&accused, "show_force");
}

#[test]
fn an_intercept_carried_by_a_light_verb_is_a_show_of_force() {
    let proposals = coded(
        "Two Russian aircraft performed an unsafe intercept of a U.S. bomber over the Black Sea \
         on Wednesday.",
    );
    let intercept = find(&proposals, "no intercept", |p| {
        p.event.action == "show_force"
    });
    assert_eq!(parties(intercept), ("RUS", "USA"));
    assert_eq!(pillar(intercept), "stability");
}

#[test]
fn operations_against_no_one_are_no_fight() {
    let proposals =
        coded("The U.S. aircraft was conducting routine operations over international waters.");
    assert_none_is(&proposals, "fight");
}

#[test]
fn a_participle_set_off_by_a_comma_is_the_subjects_and_not_under_the_negation() {
    let proposals = coded(
        "Russian Foreign Ministry spokeswoman Maria Zakharova did not cite specific reasons, but \
         indicated that relations had been going through hard times, blaming Washington for \
         bringing them to a blind alley.",
    );
    let blame = find(&proposals, "no blame", |p| p.event.action == "disapprove");
    assert_eq!(parties(blame), ("RUS", "USA"), "{}", show(&proposals));
}

#[test]
fn brushing_off_or_rubbishing_an_accusation_rejects_it() {
    for sentence in [
        "Moscow rubbished the U.S. accusations as nonsense.",
        "The Kremlin brushed off the American claims on Thursday.",
    ] {
        let proposals = coded(sentence);
        let rejection = find(&proposals, "no rejection", |p| p.event.action == "reject");
        assert_eq!(parties(rejection), ("RUS", "USA"), "{sentence}");
    }
}

#[test]
fn a_council_voting_on_a_text_is_not_the_one_a_veto_is_done_to() {
    let proposals = coded_with_title(
        "Russia vetoes resolution on space weapons",
        "Russia vetoed a UN Security Council resolution on Wednesday that would have banned \
         nuclear weapons in orbit. The United States had drafted the text.",
    );
    let veto = find(&proposals, "no veto", |p| p.event.action == "reject");
    assert_eq!(parties(veto), ("RUS", "USA"), "{}", show(&proposals));
}

#[test]
fn blocking_a_council_statement_the_other_side_drafted_rejects_it() {
    let proposals = coded(
        "Russia on Wednesday blocked a U.S.-drafted UN Security Council statement on North \
         Korea's missile launch.",
    );
    let block = find(&proposals, "no rejection", |p| p.event.action == "reject");
    assert_eq!(parties(block), ("RUS", "USA"), "{}", show(&proposals));
    assert_eq!(pillar(block), "engagement");
}

#[test]
fn putting_a_side_on_a_list_or_banning_its_firms_sanctions_it() {
    for sentence in [
        "Russia on Friday put the United States on its list of unfriendly countries.",
        "The Commerce Department banned Russian-based software maker Kaspersky on Thursday.",
    ] {
        let proposals = coded(sentence);
        let sanction = find(&proposals, "no sanction", |p| {
            p.event.action == "impose_sanctions"
        });
        assert_ne!(
            sanction.event.actor,
            sanction.event.target,
            "{sentence}: {}",
            show(&proposals)
        );
        assert_eq!(pillar(sanction), "pushback");
    }
}

#[test]
fn americans_released_were_released_by_the_side_that_held_them() {
    for sentence in [
        "Jailed U.S. Marine Trevor Reed was freed in a prisoner swap on Wednesday.",
        "The detained American journalist was released from Russia on Wednesday.",
    ] {
        let proposals = coded(sentence);
        let release = find(&proposals, "no release", |p| p.event.action == "yield");
        assert_eq!(
            (
                release.event.actor.as_str(),
                release.event.target.as_str(),
                release.event.occurred_on.as_str()
            ),
            ("RUS", "USA", "2018-03-28"),
            "{sentence}: {}",
            show(&proposals)
        );
    }
}

#[test]
fn what_a_side_said_in_a_call_to_the_other_side_says_the_call_was_held() {
    let proposals = coded(
        "In a 90-minute phone call on Wednesday, Obama expressed his deep concern over Russia's \
         violation of Ukrainian sovereignty.",
    );
    let call = find(&proposals, "no call", |p| p.event.action == "consult");
    assert_eq!(parties(call), ("USA", "RUS"));
    assert_eq!(call.event.occurred_on, "2018-03-28");
    assert!(
        has(&proposals, "USA", "RUS", "negative"),
        "{}",
        show(&proposals)
    );
    // `their meeting` is the two sides'.
    let theirs = coded(
        "President Trump warned Lavrov against election meddling during their meeting on \
         Wednesday.",
    );
    assert!(
        theirs.iter().any(|p| p.event.action == "consult"),
        "{}",
        show(&theirs)
    );
    // A meeting may be with anyone.
    let meeting = coded(
        "Putin confirmed the move during a meeting on Wednesday, accusing the United States of \
         breaking the treaty.",
    );
    assert_none_is(&meeting, "consult");
}

#[test]
fn a_strike_on_a_third_party_is_about_that_party_not_the_weapon() {
    let proposals = coded(
        "The United States launched 59 Tomahawk cruise missiles at a Syrian military airfield \
         on Thursday.",
    );
    let strike = find(&proposals, "no strike", |p| p.event.target == "SYR");
    assert_eq!(
        strike.event.issue.as_deref(),
        Some("syria"),
        "{}",
        show(&proposals)
    );
    assert_eq!(pillar(strike), "engagement");
}

#[test]
fn an_intention_to_do_what_no_entry_names_is_no_promise() {
    for sentence in [
        "The administration in Washington intends to take steps around the conflict, Peskov said.",
        "Moscow painted the move as a measure intended to put Russia on the same footing as the \
         United States.",
    ] {
        let proposals = coded(sentence);
        assert!(
            proposals
                .iter()
                .all(|p| p.event.action != "intend_to_cooperate"),
            "{sentence}: {}",
            show(&proposals)
        );
    }
    let planned = coded("Russia plans to expel 60 American diplomats.");
    assert!(
        has(&planned, "RUS", "USA", "negative"),
        "{}",
        show(&planned)
    );
}

#[test]
fn a_side_saying_the_other_violated_a_treaty_accuses_it() {
    for (title, body) in [
        (
            "Wire report",
            "The Obama administration said on Tuesday that Russia had violated the INF treaty.",
        ),
        (
            "U.S.: Russia violated arms treaty",
            "The finding was sent to Moscow in a letter.",
        ),
    ] {
        let proposals = coded_with_title(title, body);
        let accusation = find(&proposals, "no accusation", |p| {
            p.event.actor == "USA" && sign_of(p) == "negative"
        });
        assert_eq!(
            pillar(accusation),
            "stability",
            "{title}: {}",
            show(&proposals)
        );
        assert!(
            proposals.iter().all(|p| p.event.actor != "RUS"),
            "{title}: {}",
            show(&proposals)
        );
    }
}

#[test]
fn the_reason_a_side_gives_for_its_deed_in_the_same_sentence_is_the_deed() {
    let proposals = coded(
        "President Trump announced on Saturday that the United States will withdraw from the \
         INF treaty, saying Russia had violated it.",
    );
    let towards_russia: Vec<&Proposal> = proposals
        .iter()
        .filter(|p| p.event.actor == "USA" && p.event.target == "RUS")
        .collect();
    assert_eq!(towards_russia.len(), 1, "{}", show(&proposals));
}

#[test]
fn a_pronoun_object_of_a_second_verb_is_the_first_verbs_object() {
    let proposals = coded(
        "A Russian warship caught a U.S. Navy destroyer in Russian waters on Tuesday and chased \
         it off, the defence ministry said.",
    );
    let chase = find(&proposals, "no chase", |p| p.event.action == "show_force");
    assert_eq!(parties(chase), ("RUS", "USA"), "{}", show(&proposals));
}

#[test]
fn a_price_the_other_side_will_pay_is_the_speakers_threat_and_never_its_deed() {
    let said = coded("\"Putin will pay a price,\" Biden told ABC News on Wednesday.");
    let threat = find(&said, "no threat", |p| p.event.actor == "USA");
    assert_eq!(
        (threat.event.target.as_str(), sign_of(threat)),
        ("RUS", "negative"),
        "{}",
        show(&said)
    );
    let unsaid = coded("Putin chose this war and now his country will bear the consequences.");
    assert!(
        unsaid.iter().all(|p| p.event.actor != "RUS"),
        "{}",
        show(&unsaid)
    );
}

#[test]
fn calling_a_vote_historic_for_the_relationship_praises() {
    let proposals = coded(
        "Russian Ambassador Vassily Nebenzia called the vote a historic moment for U.S.-Russian \
         relations.",
    );
    let praise = find(&proposals, "no praise", |p| p.event.action == "praise");
    assert_eq!(parties(praise), ("RUS", "USA"));
}

#[test]
fn would_after_a_past_verb_of_saying_is_what_was_said_to_come() {
    let announced = coded(
        "President Obama announced on Thursday that the United States would impose additional \
         sanctions on Russia.",
    );
    let sanctions = find(&announced, "no sanctions", |p| {
        p.event.actor == "USA" && p.event.target == "RUS"
    });
    assert_eq!(pillar(sanctions), "pushback", "{}", show(&announced));
    // Under a condition it is no deed and no plan.
    let conditional = coded(
        "Obama said on Thursday that the United States would impose sanctions on Russia if it \
         invaded Ukraine.",
    );
    assert_none_is(&conditional, "impose_sanctions");
    // A hedge of the speaker's own is still a hedge.
    let hedged = coded("Obama would impose sanctions on Russia, officials believe.");
    assert_none_is(&hedged, "impose_sanctions");
}

#[test]
fn a_killing_without_an_agent_is_no_one_s_deed_and_a_rule_is_no_deed() {
    let killed =
        coded("Another Russian soldier was killed on Tuesday during a rescue operation in Syria.");
    assert!(killed.is_empty(), "{}", show(&killed));
    let detained = coded("An American journalist was detained in Moscow on Tuesday.");
    assert!(
        has(&detained, "RUS", "USA", "negative"),
        "{}",
        show(&detained)
    );
    let rule = coded(
        "Under the law, the United States imposes sanctions on any country that buys Russian \
         weapons.",
    );
    assert_none_is(&rule, "impose_sanctions");
    let denied = coded("The Kremlin on Tuesday denied any role in the American's poisoning.");
    assert!(has(&denied, "RUS", "USA", "negative"), "{}", show(&denied));
}

#[test]
fn using_a_veto_rejects_and_phoning_to_offer_is_the_callers_doing() {
    let veto = coded(
        "Russia on Wednesday used its veto to kill a U.S.-drafted resolution condemning the \
         annexation.",
    );
    let rejection = find(&veto, "no rejection", |p| p.event.action == "reject");
    assert_eq!(parties(rejection), ("RUS", "USA"), "{}", show(&veto));
    let call = coded("Trump phoned Putin on Wednesday to offer help against the wildfires.");
    let phoned = find(&call, "no call", |p| p.event.action == "consult");
    assert_eq!(phoned.event.actor, "USA", "{}", show(&call));
    assert!(
        call.iter().all(|p| p.event.actor != "RUS"),
        "{}",
        show(&call)
    );
}

#[test]
fn a_weapon_in_space_is_about_strategic_stability() {
    let proposals = coded(
        "The United States accused Russia on Wednesday of testing an anti-satellite weapon in \
         space.",
    );
    let accusation = find(&proposals, "no accusation", |p| p.event.actor == "USA");
    assert_eq!(pillar(accusation), "stability", "{}", show(&proposals));
}

#[test]
fn calling_for_a_hostile_deed_demands_it() {
    let proposals = coded(
        "Russia on Tuesday called for a ban on U.S. military launches using Russian rocket \
         engines.",
    );
    let call = find(&proposals, "no call", |p| p.event.actor == "RUS");
    assert_eq!(
        (call.event.action.as_str(), sign_of(call)),
        ("demand", "negative"),
        "{}",
        show(&proposals)
    );
    let friendly = coded("Russia on Tuesday called for talks with the United States.");
    assert!(
        friendly.iter().all(|p| sign_of(p) != "negative"),
        "{}",
        show(&friendly)
    );
}

#[test]
fn each_side_freeing_the_others_prisoners_is_one_swap() {
    let proposals = coded_with_title(
        "Russia frees U.S. basketball star in swap with arms dealer",
        "The United States and Russia exchanged the jailed American basketball star for a \
         Russian arms dealer on Wednesday.",
    );
    let swaps = proposals
        .iter()
        .filter(|p| p.event.action == "yield")
        .count();
    assert_eq!(swaps, 1, "{}", show(&proposals));
}

#[test]
fn an_adjective_in_ing_is_not_the_verb_of_the_noun_it_describes() {
    let proposals = coded(
        "The White House on Wednesday unveiled sweeping sanctions on Russia in retaliation for \
         cyberattacks.",
    );
    let sanctions = find(&proposals, "no sanctions", |p| {
        p.event.action == "impose_sanctions"
    });
    assert_eq!(
        (
            sanctions.event.actor.as_str(),
            sanctions.event.target.as_str(),
            sanctions.event.occurred_on.as_str()
        ),
        ("USA", "RUS", "2018-03-28"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn saying_the_other_side_failed_to_do_its_part_accuses_it_and_denying_a_breach_rejects() {
    let claimed = coded(
        "The United States claimed on Wednesday that Moscow has not lived up to its commitments \
         under the agreement.",
    );
    let accusation = find(&claimed, "no accusation", |p| p.event.actor == "USA");
    assert_eq!(
        (accusation.event.action.as_str(), sign_of(accusation)),
        ("disapprove", "negative"),
        "{}",
        show(&claimed)
    );
    let denied = coded("The Kremlin said on Wednesday that Russia did not violate the treaty.");
    assert_none_is(&denied, "disapprove");
}

#[test]
fn a_call_on_its_own_side_is_no_word_to_the_other() {
    let own = coded(
        "After meeting Russian diplomats, the U.S. president on Wednesday called on Congress to \
         pass new aid for Ukraine.",
    );
    assert!(
        !has(&own, "USA", "RUS", "positive") && !has(&own, "USA", "RUS", "negative"),
        "{}",
        show(&own)
    );
    let other = coded("The U.S. president on Wednesday called on Moscow to release the sailors.");
    find(&other, "no call on Moscow", |p| {
        p.event.actor == "USA" && p.event.target == "RUS"
    });
}

#[test]
fn offering_no_details_offers_nothing() {
    let proposals = coded(
        "White House officials confirmed Trump's call with Putin on Wednesday but offered no \
         details.",
    );
    assert_none_is(&proposals, "appeal");
}

#[test]
fn promising_a_response_threatens() {
    let proposals = coded(
        "Russia's deputy foreign minister called the new U.S. sanctions groundless on Wednesday \
         and promised a response.",
    );
    let promise = find(&proposals, "no promise", |p| {
        p.event.actor == "RUS" && p.event.action == "threaten"
    });
    assert_eq!(sign_of(promise), "negative", "{}", show(&proposals));
    assert_none_is(&proposals, "intend_to_cooperate");
}

#[test]
fn leaving_a_meeting_is_not_leaving_a_treaty() {
    let left_meeting = coded(
        "Biden gave a thumbs up to reporters on Wednesday as he left the meeting with Putin.",
    );
    assert_none_is(&left_meeting, "reduce_relations");
    let left_treaty = coded("Russia on Wednesday left the treaty with the United States.");
    find(&left_treaty, "no withdrawal", |p| {
        p.event.actor == "RUS" && p.event.action == "reduce_relations"
    });
}

#[test]
fn an_event_noun_is_dated_by_the_date_inside_its_phrase() {
    let proposals = coded(
        "The new U.S. sanctions respond to the Kremlin's Feb. 24 expulsion of American diplomats.",
    );
    let expulsion = find(&proposals, "no expulsion", |p| {
        p.event.action == "expel_diplomats"
    });
    assert_eq!(
        (
            expulsion.event.actor.as_str(),
            expulsion.event.occurred_on.as_str()
        ),
        ("RUS", "2018-02-24"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn a_step_that_takes_effect_later_is_dated_by_its_announcement() {
    let proposals = coded(
        "The White House said on Wednesday that the United States will suspend its obligations \
         under the treaty with Russia effective May 7, 2018.",
    );
    let step = find(&proposals, "no step", |p| p.event.actor == "USA");
    assert_eq!(
        step.event.occurred_on.as_str(),
        "2018-03-28",
        "{}",
        show(&proposals)
    );
}

#[test]
fn a_headline_noun_with_its_participle_is_a_passive() {
    let proposals = coded_with_title(
        "American reporter detained in Russia on spying charges",
        "The newspaper said on Thursday that it was seeking his release.",
    );
    let detention = find(&proposals, "no detention", |p| p.event.action == "coerce");
    assert_eq!(parties(detention), ("RUS", "USA"), "{}", show(&proposals));
}

#[test]
fn a_hostile_deed_with_no_agent_done_in_a_third_state_is_not_the_other_sides() {
    let proposals = coded(
        "The Russian senator, who was detained in France last year, was named on Wednesday in \
         the new U.S. list.",
    );
    assert_none_is(&proposals, "coerce");
}

#[test]
fn words_exchanged_and_guilty_pleas_are_no_swap_and_no_appeal() {
    let words = coded(
        "Putin and Trump exchanged a few words before the group photo in Danang on Saturday.",
    );
    assert_none_is(&words, "yield");
    let plea = coded(
        "The FSB questioned two former employees of the U.S. Embassy, one of whom pleaded \
         guilty on Wednesday.",
    );
    assert_none_is(&plea, "appeal");
}

#[test]
fn refusing_to_tolerate_warns_and_an_unnamed_department_speaks_for_its_spokesman() {
    let proposals = coded(
        "The department will not tolerate the Russian government's harassment of our \
         diplomats, State Department spokesman Matthew Miller said on Wednesday.",
    );
    let warning = find(&proposals, "no warning", |p| p.event.action == "warn");
    assert_eq!(
        (
            warning.event.actor.as_str(),
            warning.event.target.as_str(),
            sign_of(warning)
        ),
        ("USA", "RUS", "negative"),
        "{}",
        show(&proposals)
    );
    let tolerated = coded(
        "The State Department tolerated the Russian government's new rules for diplomats on \
         Wednesday.",
    );
    assert_none_is(&tolerated, "warn");
}

#[test]
fn a_step_promised_on_a_condition_is_a_threat_not_a_deed() {
    let proposals = coded(
        "If Russia invades Ukraine, the United States would impose severe sanctions on Moscow, \
         Sherman said on Wednesday.",
    );
    let threat = find(&proposals, "no threat", |p| p.event.actor == "USA");
    assert_eq!(
        (threat.event.action.as_str(), threat.event.kind),
        ("threaten", EventKind::Statement),
        "{}",
        show(&proposals)
    );
    assert!(
        proposals
            .iter()
            .all(|p| p.event.action != "impose_sanctions" && p.event.action != "fight"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn what_a_deed_will_bring_on_its_doer_is_the_speakers_threat() {
    let deed = coded(
        "Any annexation of Ukrainian land will result in significant costs, Blinken said on \
         Wednesday.",
    );
    let threat = find(&deed, "no threat", |p| p.event.actor == "USA");
    assert_eq!(
        (
            threat.event.action.as_str(),
            threat.event.target.as_str(),
            sign_of(threat)
        ),
        ("threaten", "RUS", "negative"),
        "{}",
        show(&deed)
    );
    let price = coded("Russia will pay a price for its actions, Biden said on Wednesday.");
    let threat = find(&price, "no threat", |p| p.event.actor == "USA");
    assert_eq!(threat.event.action, "threaten", "{}", show(&price));
    let talks = coded("The talks with Washington will have consequences for trade, Lavrov said.");
    assert_none_is(&talks, "threaten");
}

#[test]
fn a_sides_account_of_the_others_friendly_deed_reports_the_deed() {
    let proposals =
        coded("The White House said on Wednesday that Putin had thanked Obama for his help.");
    let thanks = find(&proposals, "no thanks", |p| p.event.action == "praise");
    assert_eq!(parties(thanks), ("RUS", "USA"), "{}", show(&proposals));
    assert!(
        proposals.iter().all(|p| sign_of(p) != "negative"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn a_relative_pronoun_stands_for_every_noun_it_refers_to() {
    let proposals = coded(
        "Kerry and Lavrov, who met for four hours on Wednesday, described the talks as frank.",
    );
    find(&proposals, "no meeting", |p| {
        p.event.action == "consult" && p.event.occurred_on == "2018-03-28"
    });
}

#[test]
fn a_reason_told_of_someone_is_not_their_word() {
    let proposals = coded(
        "U.S. intelligence agencies said on Wednesday that Russia hacked the Democratic Party. \
         Moscow backed the hackers because Putin believes Soviet-era aggression is worth it.",
    );
    assert!(
        proposals
            .iter()
            .all(|p| !(p.event.actor == "RUS" && p.event.kind == EventKind::Statement)),
        "{}",
        show(&proposals)
    );
}

#[test]
fn a_deadline_does_not_date_the_deed() {
    let proposals = coded(
        "Russia's Foreign Ministry on Wednesday ordered a cut by Sept. 1 in the number of U.S. \
         diplomats in Russia.",
    );
    let order = find(&proposals, "no order", |p| p.event.actor == "RUS");
    assert_eq!(
        order.event.occurred_on.as_str(),
        "2018-03-28",
        "{}",
        show(&proposals)
    );
}

#[test]
fn aid_is_coded_toward_the_one_it_serves() {
    for body in [
        "The Pentagon on Wednesday announced a new military aid package for Ukraine.",
        "The Pentagon on Wednesday announced a new $300 million aid package to support Ukraine.",
    ] {
        let proposals = coded(body);
        find(&proposals, body, |p| {
            p.event.actor == "USA" && p.event.target == "UKR" && p.event.action == "arm_adversary"
        });
    }
}

#[test]
fn closing_airspace_to_the_other_side_is_a_sanction() {
    let proposals =
        coded("The United States on Wednesday closed its airspace to all Russian flights.");
    let closure = find(&proposals, "no closure", |p| p.event.actor == "USA");
    assert_eq!(
        closure.event.action,
        "impose_sanctions",
        "{}",
        show(&proposals)
    );
    assert_eq!(pillar(closure), "pushback");
}

#[test]
fn revoking_a_ratification_reduces_relations() {
    let proposals = coded(
        "Putin signed a law on Thursday revoking his country's ratification of the nuclear test \
         ban treaty, which the United States signed but never ratified.",
    );
    find(&proposals, "no revocation", |p| {
        p.event.actor == "RUS" && p.event.action == "reduce_relations"
    });
}

#[test]
fn a_russian_state_firm_stands_for_russia() {
    let proposals = coded("The Commerce Department on Wednesday banned Kaspersky software.");
    find(&proposals, "no ban", |p| {
        p.event.actor == "USA" && p.event.target == "RUS" && p.event.action == "impose_sanctions"
    });
}

#[test]
fn the_reason_the_lead_gives_for_the_headlines_deed_is_the_deed() {
    let proposals = coded_with_title(
        "Russia expels two US diplomats",
        "Russia on Wednesday expelled two U.S. diplomats it accused of illegal activities.",
    );
    let russian: Vec<&Proposal> = proposals
        .iter()
        .filter(|p| p.event.actor == "RUS")
        .collect();
    assert_eq!(russian.len(), 1, "{}", show(&proposals));
    assert_eq!(russian[0].event.action, "expel_diplomats");
}

#[test]
fn an_accusation_and_the_sanctions_it_justifies_are_the_sanctions() {
    let proposals = coded(
        "The United States on Wednesday accused Russia of using chemical weapons in Ukraine and \
         announced new sanctions on 280 Russian companies.",
    );
    let american: Vec<&Proposal> = proposals
        .iter()
        .filter(|p| p.event.actor == "USA")
        .collect();
    assert_eq!(american.len(), 1, "{}", show(&proposals));
    assert_eq!(american[0].event.action, "impose_sanctions");
}

#[test]
fn a_hostile_step_a_side_says_it_may_take_is_its_threat_not_the_deed() {
    let proposals = coded("Russia may expel more American diplomats, Lavrov said on Wednesday.");
    let threat = find(&proposals, "no threat", |p| p.event.actor == "RUS");
    assert_eq!(threat.event.action, "threaten", "{}", show(&proposals));
    assert_eq!(threat.event.target, "USA");
    assert_none_is(&proposals, "expel_diplomats");
    let guessed =
        coded("Russia may expel more American diplomats, a Western analyst said on Wednesday.");
    assert!(guessed.is_empty(), "{}", show(&guessed));
}

#[test]
fn talks_on_strategic_security_are_filed_under_stability() {
    let proposals = coded(
        "Deputy Secretary of State John Sullivan held talks on strategic security with Deputy \
         Foreign Minister Sergei Ryabkov in Geneva on Wednesday.",
    );
    let talks = find(&proposals, "no talks", |p| p.event.action == "consult");
    assert_eq!(pillar(talks), "stability", "{}", show(&proposals));
}

#[test]
fn a_title_before_a_name_stays_with_the_name() {
    let proposals = coded(
        "Deputy Secretary of State Wendy Sherman met Deputy Foreign Minister Sergei Ryabkov on \
         Wednesday.",
    );
    let meeting = find(&proposals, "no meeting", |p| p.event.action == "consult");
    assert_eq!(parties(meeting), ("USA", "RUS"), "{}", show(&proposals));
}

#[test]
fn a_clause_of_time_without_its_own_subject_happens_with_its_governor() {
    let proposals = coded(
        "After being summoned by the State Department, Russian Ambassador Anatoly Antonov said \
         Moscow would respond.",
    );
    let summons = find(&proposals, "no summons", |p| p.event.action == "protest");
    assert_eq!(parties(summons), ("USA", "RUS"), "{}", show(&proposals));
    assert_eq!(summons.event.occurred_on.to_string(), "2018-03-30");
    // With its own subject and tense, what came before the news is its background.
    let background = coded(
        "After the State Department summoned him, Russian Ambassador Anatoly Antonov said Moscow \
         would respond.",
    );
    assert_none_is(&background, "protest");
}

#[test]
fn readiness_on_a_condition_is_still_the_speakers_offer() {
    let proposals = coded(
        "Washington is willing to consider extending the treaty if Moscow's build-up of nuclear \
         arms outside the treaty is addressed, the envoy said on Wednesday.",
    );
    let offer = find(&proposals, "no offer", |p| p.event.actor == "USA");
    assert_eq!(
        offer.event.action,
        "intend_to_cooperate",
        "{}",
        show(&proposals)
    );
    assert_eq!(offer.event.kind, EventKind::Statement);
    assert_none_is(&proposals, "sign_agreement");
}

#[test]
fn a_truce_announced_to_take_effect_is_the_announcers_agreement() {
    let proposals = coded(
        "The United States and Russia announced on Wednesday that a truce in Syria will take \
         effect next week.",
    );
    let truce = find(&proposals, "no agreement", |p| {
        p.event.action == "sign_agreement"
    });
    let parties = [truce.event.actor.as_str(), truce.event.target.as_str()];
    assert!(
        parties.contains(&"USA") && parties.contains(&"RUS"),
        "{}",
        show(&proposals)
    );
    assert_eq!(pillar(truce), "engagement");
    let halted = coded(
        "The United States and Russia announced on Wednesday a cessation of cooperation in Syria.",
    );
    assert_none_is(&halted, "sign_agreement");
}

#[test]
fn an_aim_to_conquer_told_by_the_other_side_is_its_accusation() {
    let proposals =
        coded("White House spokesman John Kirby said Putin still aims to conquer Ukraine.");
    let charge = find(&proposals, "no accusation", |p| p.event.actor == "USA");
    assert_eq!(
        (charge.event.target.as_str(), charge.event.action.as_str()),
        ("RUS", "disapprove"),
        "{}",
        show(&proposals)
    );
    assert_none_is(&proposals, "fight");
    let fact = coded("Russian forces seized the Ukrainian port of Berdyansk on Wednesday.");
    let seizure = find(&fact, "no seizure", |p| p.event.action == "fight");
    assert_eq!(seizure.event.actor, "RUS", "{}", show(&fact));
}

#[test]
fn answering_aggression_is_a_threat_and_raising_the_risk_an_accusation() {
    let threat = coded("Blinken said Washington would respond to aggressive acts by Russia.");
    let answer = find(&threat, "no threat", |p| p.event.actor == "USA");
    assert_eq!(
        (answer.event.target.as_str(), answer.event.action.as_str()),
        ("RUS", "threaten"),
        "{}",
        show(&threat)
    );
    let risk = coded(
        "Ryabkov said the delivery of U.S. weapons to Ukraine increased the risk of a direct \
         conflict with Russia.",
    );
    let charge = find(&risk, "no accusation", |p| p.event.actor == "RUS");
    assert_eq!(charge.event.target, "USA", "{}", show(&risk));
    assert_eq!(sign_of(charge), "negative");
}

#[test]
fn a_clause_of_time_opened_by_when_is_background_unless_dated() {
    let undated = coded("Lavrov said the talks went well when he met Pompeo in Geneva.");
    assert_none_is(&undated, "consult");
    let dated = coded("Lavrov said the talks went well when he met Pompeo in Geneva on Tuesday.");
    let meeting = find(&dated, "no meeting", |p| p.event.action == "consult");
    assert_eq!(
        meeting.event.occurred_on.to_string(),
        "2018-03-27",
        "{}",
        show(&dated)
    );
}

#[test]
fn a_promise_to_spare_the_other_sides_partner_is_a_concession_to_the_other_side() {
    let proposals =
        coded("Shoigu assured Hagel on Monday that Russian troops would not invade Ukraine.");
    let assurance = find(&proposals, "no assurance", |p| p.event.actor == "RUS");
    assert_eq!(
        (assurance.event.target.as_str(), sign_of(assurance)),
        ("USA", "positive"),
        "{}",
        show(&proposals)
    );
    assert_none_is(&proposals, "fight");
}

#[test]
fn a_headline_infinitive_is_the_step_its_noun_announced() {
    let proposals = coded_with_title(
        "US embassy in Russia to halt issuing of visas from Wednesday",
        "The embassy gave no reason on Friday.",
    );
    let halt = find(&proposals, "no halt", |p| p.event.actor == "USA");
    assert_eq!(
        (halt.event.target.as_str(), halt.event.action.as_str()),
        ("RUS", "reduce_relations"),
        "{}",
        show(&proposals)
    );
    assert_eq!(halt.event.kind, EventKind::Action);
    let plan = coded_with_title(
        "Plan to expel US diplomats",
        "Nothing was decided on Friday.",
    );
    assert!(plan.is_empty(), "{}", show(&plan));
}

#[test]
fn a_halt_announced_to_visa_work_reduces_relations() {
    let proposals = coded(
        "The US embassy announced a nine-day halt to all non-immigrant visa operations in \
         Russia.",
    );
    let halt = find(&proposals, "no halt", |p| p.event.actor == "USA");
    assert_eq!(
        halt.event.action,
        "reduce_relations",
        "{}",
        show(&proposals)
    );
    let move_halted =
        coded("The US embassy announced a halt to its move to a new building in Russia.");
    assert!(move_halted.is_empty(), "{}", show(&move_halted));
}

#[test]
fn regret_a_mistake_and_a_bounty_are_read_for_what_they_are() {
    let regret = coded(
        "State Department spokesman Mark Toner said Washington would regret a Russian halt to \
         the cooperation.",
    );
    let disapproval = find(&regret, "no disapproval", |p| p.event.actor == "USA");
    assert_eq!(disapproval.event.action, "disapprove", "{}", show(&regret));
    let mistake = coded("Rosatom called the US decision a mistake.");
    let assessment = find(&mistake, "no assessment", |p| p.event.actor == "RUS");
    assert_eq!(assessment.event.action, "disapprove", "{}", show(&mistake));
    let bounty = coded(
        "The United States is offering a reward of ten million dollars for information on the \
         six Russian hackers.",
    );
    let reward = find(&bounty, "no reward", |p| p.event.actor == "USA");
    assert_eq!(sign_of(reward), "negative", "{}", show(&bounty));
}

#[test]
fn a_possessor_before_a_participle_owns_the_noun_and_does_not_act() {
    let proposals = coded(
        "\"We are deeply concerned about Russia's planned action to withdraw its ratification \
         of the test ban treaty,\" Blinken said.",
    );
    assert!(
        !proposals
            .iter()
            .any(|p| p.event.actor == "RUS" && sign_of(p) == "positive"),
        "Russia's plan is no offer:\n{}",
        show(&proposals)
    );
    assert!(
        has(&proposals, "USA", "RUS", "negative"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn a_participle_after_the_objects_own_phrase_is_not_the_subjects_deed() {
    let proposals =
        coded("The Treasury on Thursday imposed sanctions on companies aiding the Russian army.");
    let sanctions = find(&proposals, "no sanctions", |p| p.event.actor == "USA");
    assert_eq!(
        sanctions.event.action,
        "impose_sanctions",
        "{}",
        show(&proposals)
    );
    assert_none_is(&proposals, "provide_aid");
    // The signer's instrument still does what it says.
    let law = coded("Obama on Thursday signed a bill imposing sanctions on Russia.");
    let signed = find(&law, "no sanctions law", |p| p.event.actor == "USA");
    assert_eq!(signed.event.action, "impose_sanctions", "{}", show(&law));
}

#[test]
fn a_deed_done_to_someone_at_home_is_not_the_other_sides() {
    let proposals = coded(
        "Alexei Navalny, a Russian opposition leader, was arrested on Sunday upon his return to \
         Russia, and the United States condemned it.",
    );
    assert!(
        !proposals.iter().any(|p| p.event.action == "coerce"),
        "a Russian arrested in Russia is no US deed:\n{}",
        show(&proposals)
    );
    let abroad = coded("An American journalist was arrested in Moscow on Sunday.");
    let arrest = find(&abroad, "no arrest", |p| p.event.action == "coerce");
    assert_eq!(parties(arrest), ("RUS", "USA"), "{}", show(&abroad));
}

#[test]
fn expecting_the_other_side_to_act_is_a_demand_and_not_expecting_denies_nothing() {
    let proposals = coded(
        "\"We expect Russia to honor its commitments under the Minsk agreements,\" Tillerson said \
         on Thursday.",
    );
    let demand = find(&proposals, "no demand", |p| p.event.actor == "USA");
    assert_eq!(
        (demand.event.target.as_str(), demand.event.action.as_str()),
        ("RUS", "demand"),
        "{}",
        show(&proposals)
    );
    let talks = coded(
        "Heading into the talks, both men said they did not expect a breakthrough in the \
         negotiations between Russia and the United States.",
    );
    assert_none_is(&talks, "reject");
}

#[test]
fn the_answer_a_deed_draws_is_its_answerers_statement_toward_the_doer() {
    let proposals = coded("Russia's veto on Thursday drew sharp criticism from the United States.");
    let criticism = find(&proposals, "no criticism", |p| p.event.actor == "USA");
    assert_eq!(
        (
            criticism.event.target.as_str(),
            criticism.event.action.as_str()
        ),
        ("RUS", "disapprove"),
        "{}",
        show(&proposals)
    );
    assert_eq!(criticism.event.occurred_on.to_string(), "2018-03-29");
    let praise = coded(
        "The American decision to extend the treaty drew praise from Moscow, which had sought \
         the extension for months.",
    );
    let answer = find(&praise, "no praise", |p| p.event.actor == "RUS");
    assert_eq!(
        (answer.event.target.as_str(), sign_of(answer)),
        ("USA", "positive"),
        "{}",
        show(&praise)
    );
}

#[test]
fn a_year_after_a_determiner_names_a_thing_not_a_time() {
    let proposals = coded(
        "Putin said that Moscow will abandon the 1987 Intermediate-Range Nuclear Forces treaty, \
         following in the footsteps of Washington, but insisted that Russia will deploy such \
         weapons only if the United States does.",
    );
    let threat = find(&proposals, "no threat", |p| p.event.actor == "RUS");
    assert_eq!(
        threat.event.occurred_on,
        "2018-03-30",
        "{}",
        show(&proposals)
    );
    let signed = coded("The treaty was signed by the United States and Russia in 1987.");
    let signing = find(&signed, "no signing", |p| {
        p.event.action == "sign_agreement"
    });
    assert!(
        signing.event.occurred_on.starts_with("1987"),
        "{}",
        show(&signed)
    );
}

#[test]
fn what_happened_before_something_past_is_background() {
    let proposals = coded(
        "Before President Obama left office, he expelled 20 Russian diplomats and ordered the \
         closure of a Russian consulate.",
    );
    assert_none_is(&proposals, "expel_diplomats");
    // A date of its own still dates it.
    let dated = coded(
        "Before President Obama left office, he expelled 20 Russian diplomats on December 29, \
         2016.",
    );
    let expulsion = find(&dated, "no dated expulsion", |p| {
        p.event.action == "expel_diplomats"
    });
    assert_eq!(
        expulsion.event.occurred_on,
        "2016-12-29",
        "{}",
        show(&dated)
    );
}

#[test]
fn a_pronoun_under_a_verb_it_controls_is_the_speaker() {
    let proposals = coded(
        "Russia warned Europe again on Monday. The United States announced on Tuesday that it \
         will begin deploying long-range missiles in Germany.",
    );
    let deployment = find(&proposals, "no deployment", |p| {
        p.event.action == "show_force"
    });
    assert_eq!(parties(deployment), ("USA", "RUS"), "{}", show(&proposals));
}

#[test]
fn a_named_owners_deed_characterised_by_a_light_verb_is_no_new_deed() {
    let proposals = coded(
        "Putin spoke for an hour on Friday. He cast Russia's invasion of Ukraine as a defence \
         against the United States.",
    );
    assert_none_is(&proposals, "fight");
    // Without the characterisation the light verb still carries the deed.
    let cast = coded("Russia cast its veto against the American resolution on Thursday.");
    let veto = find(&cast, "no veto", |p| p.event.action == "reject");
    assert_eq!(veto.event.actor, "RUS", "{}", show(&cast));
}

#[test]
fn each_sentence_of_a_quotation_is_its_speakers() {
    // Read as one, the quotation ran its two sentences together and left the first
    // unattributed: Russia's violation became a Russian deed.
    let proposals = coded(
        "\"Russia has violated the treaty for years. The United States is suspending its \
         obligations under the treaty today,\" Secretary of State Mike Pompeo said on Friday.",
    );
    let suspension = find(&proposals, "the US suspension", |p| {
        p.event.actor == "USA" && p.event.action == "reduce_relations"
    });
    assert_eq!(
        suspension.event.source.attribution.as_deref(),
        Some("Secretary of State Mike Pompeo"),
        "{}",
        show(&proposals)
    );
    assert!(
        proposals
            .iter()
            .all(|p| p.event.actor != "RUS" || p.event.kind == EventKind::Statement),
        "what the speaker says the other side did is no deed of it:\n{}",
        show(&proposals)
    );
}

#[test]
fn a_quotation_standing_alone_is_the_previous_speakers() {
    let proposals = coded(
        "President Barack Obama spoke in Hawaii on Friday.\n\nObama said Moscow had interfered \
         in the election.\n\n\"These actions follow repeated warnings. We will expel 35 Russian \
         diplomats from the United States.\"",
    );
    let expulsion = find(&proposals, "Obama's expulsion", |p| {
        p.event.action == "expel_diplomats"
    });
    assert_eq!(parties(expulsion), ("USA", "RUS"), "{}", show(&proposals));
    assert_eq!(
        expulsion.event.source.attribution.as_deref(),
        Some("Obama"),
        "{}",
        show(&proposals)
    );

    let proposals = coded(
        "Russian Foreign Minister Sergei Lavrov spoke in Moscow on Friday.\n\n\"Washington broke \
         its word,\" Lavrov said.\n\n\"The Americans have been warned. We will expel 60 of their \
         diplomats.\"",
    );
    assert!(
        has(&proposals, "RUS", "USA", "negative") && !has(&proposals, "USA", "RUS", "negative"),
        "the quotation is Lavrov's: {}",
        show(&proposals)
    );
}

#[test]
fn a_conjunct_sharing_a_pronoun_subject_under_speech_is_the_speakers() {
    // Once the quotation is read sentence by sentence, `we` of the second verb was the side
    // last named as a subject (`the Americans`), not the speaker.
    let proposals = coded(
        "\"The Americans have crossed a line. We will expel 60 American diplomats and close the \
         consulate in St. Petersburg,\" Lavrov said.",
    );
    assert!(
        !has(&proposals, "USA", "RUS", "negative"),
        "both deeds are Russia's: {}",
        show(&proposals)
    );
    find(&proposals, "Russia's expulsion", |p| {
        p.event.actor == "RUS" && p.event.action == "expel_diplomats"
    });
}

#[test]
fn dyad_parse_reads_each_sentence_of_a_quotation_as_its_speakers() {
    let (code, out, err) = dyad(
        &["parse", "-"],
        "\"The talks were useful. We will meet again,\" Lavrov said.",
    );
    assert_eq!(code, Some(0), "{err}");
    let read: Vec<&str> = out.lines().filter(|l| l.starts_with("# text")).collect();
    assert_eq!(
        read,
        [
            "# text = Lavrov said that the talks were useful.",
            "# text = Lavrov said that we will meet again."
        ],
        "{out}"
    );
}

#[test]
fn a_second_titled_name_after_and_is_a_coordinated_subject() {
    // The parser joins `U.S. Secretary` to the first name and leaves `Rex Tillerson` a
    // second subject of `met`; read alone it was a meeting of one.
    let proposals = coded(
        "Russian Foreign Minister Sergei Lavrov and U.S. Secretary of State Rex Tillerson met on \
         the sidelines of a regional forum in Manila on Sunday.",
    );
    let meeting = find(&proposals, "the meeting", |p| p.event.action == "consult");
    let mut pair = [meeting.event.actor.as_str(), meeting.event.target.as_str()];
    pair.sort_unstable();
    assert_eq!(pair, ["RUS", "USA"], "{}", show(&proposals));
    assert_eq!(meeting.event.occurred_on.to_string(), "2018-03-25");
}

#[test]
fn a_participle_set_off_by_a_comma_is_no_headline() {
    // `limits` read as a noun leaves the sentence without a finite verb, as a headline
    // (`US journalist detained in Russia`); but a headline sets no participle off by a comma:
    // this one tells the treaty's history, not a signing reported now.
    let proposals = coded(
        "Russia and the United States traded charges on Friday.\n\nThe New START treaty, signed \
         by Presidents Obama and Medvedev, limits both arsenals.",
    );
    assert_none_is(&proposals, "sign_agreement");
}

#[test]
fn a_title_before_an_unknown_name_gives_its_side() {
    // `Pentagon spokesman` hangs on `Steve Warren` as a description (`nmod:desc`).
    let proposals = coded(
        "A Russian jet made a dozen passes near an American destroyer in the Black Sea on \
         Saturday.\n\nPentagon spokesman Steve Warren called the incident \"provocative and \
         unprofessional.\"",
    );
    let condemnation = find(&proposals, "the Pentagon's condemnation", |p| {
        p.event.action == "disapprove"
    });
    assert_eq!(
        parties(condemnation),
        ("USA", "RUS"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn dyad_parse_reads_a_few_quoted_words_without_their_marks() {
    let (code, out, err) = dyad(
        &["parse", "-"],
        "Kerry and Lavrov held \"very frank\" talks. Peskov said Washington was \"escalating \
         tensions\". \"We will answer,\" Lavrov said.",
    );
    assert_eq!(code, Some(0), "{err}");
    let read: Vec<&str> = out.lines().filter(|l| l.starts_with("# text")).collect();
    assert_eq!(
        read,
        [
            "# text = Kerry and Lavrov held very frank talks.",
            "# text = Peskov said Washington was escalating tensions.",
            "# text = Lavrov said that we will answer."
        ],
        "{out}"
    );
    let talks = out
        .lines()
        .map(|line| line.split('\t').collect::<Vec<_>>())
        .find(|row| row.len() == 10 && row[1] == "talks")
        .expect("a row for `talks`");
    assert_eq!(talks[3], "NOUN", "{out}");
}

#[test]
fn an_owned_event_noun_coming_into_force_is_its_owners_step() {
    let proposals = coded(
        "The second round of US sanctions against Russia over the poisoning will take effect on \
         April 19.",
    );
    let sanctions = find(&proposals, "the US sanctions", |p| {
        p.event.action == "impose_sanctions"
    });
    assert_eq!(parties(sanctions), ("USA", "RUS"), "{}", show(&proposals));
    // Taking effect is not being taken: the report dates the step.
    assert_eq!(sanctions.event.occurred_on.to_string(), "2018-03-30");
}

#[test]
fn a_relative_clause_in_the_simple_present_tells_a_standing_state() {
    let proposals = coded(
        "Trump said on Friday that Russia should rejoin the group.\n\nPutin has also been accused \
         of ordering the murders of opponents abroad, allegations that he denies.",
    );
    assert_none_is(&proposals, "reject");
}

#[test]
fn a_time_owning_a_noun_dates_the_noun_not_the_clause() {
    let proposals = coded(
        "The United States blamed Russia on Wednesday for last week's deadly attack on the \
         convoy.\n\nWashington condemned Russia for last week's attack.",
    );
    let blame = find(&proposals, "the blame", |p| p.event.actor == "USA");
    assert_eq!(blame.event.occurred_on.to_string(), "2018-03-28");
    assert!(
        proposals
            .iter()
            .all(|p| p.event.occurred_on != "2018-03-23"),
        "nothing is dated by last week:\n{}",
        show(&proposals)
    );
    // The occasion a clause happens at dates it.
    let proposals = coded(
        "At last month's summit in Helsinki, Trump refused to condemn Russia's interference.",
    );
    let refusal = find(&proposals, "the refusal", |p| p.event.actor == "USA");
    assert!(
        refusal.event.occurred_on.to_string().starts_with("2018-02"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn meeting_one_person_then_another_the_same_day_is_two_meetings() {
    let proposals = coded(
        "Secretary of State John Kerry met Foreign Minister Sergey Lavrov in Sochi on Tuesday.\n\n\
         Kerry then met President Vladimir Putin for four hours on Tuesday.\n\nKerry met with \
         Putin again on Tuesday evening.",
    );
    let meetings = proposals
        .iter()
        .filter(|p| p.event.action == "consult")
        .count();
    assert_eq!(
        meetings,
        2,
        "one with Lavrov, one with Putin (restated):\n{}",
        show(&proposals)
    );
}

#[test]
fn standing_ready_is_readiness() {
    let proposals =
        coded("Yellen said the United States stands ready to impose further sanctions on Russia.");
    let threat = find(&proposals, "the readiness to sanction", |p| {
        p.event.action == "threaten"
    });
    assert_eq!(parties(threat), ("USA", "RUS"), "{}", show(&proposals));
    assert!(
        coded("Russia does not stand ready to talk to the United States.").is_empty(),
        "not ready is no offer"
    );
}

#[test]
fn disputing_the_other_sides_account_rejects_it() {
    let proposals = coded(
        "Russia and the United States met on Monday.\n\nLavrov disputed the White House account.",
    );
    let rejection = find(&proposals, "Lavrov's rejection", |p| {
        p.event.action == "reject"
    });
    assert_eq!(parties(rejection), ("RUS", "USA"), "{}", show(&proposals));
}

#[test]
fn a_side_reporting_a_step_the_other_took_in_the_open_reports_a_deed() {
    let proposals = coded(
        "The State Department said on Tuesday that Russia postponed the arms control talks \
         in Geneva.",
    );
    let postponement = find(&proposals, "Russia's postponement", |p| {
        p.event.action == "reduce_relations"
    });
    assert_eq!(
        parties(postponement),
        ("RUS", "USA"),
        "{}",
        show(&proposals)
    );
    assert_none_is(&proposals, "disapprove");
    // A covert deed in the other side's mouth stays its allegation.
    let allegation = coded("The State Department said on Tuesday that Russia violated the treaty.");
    let disapproval = find(&allegation, "the US allegation", |p| {
        p.event.action == "disapprove"
    });
    assert_eq!(
        parties(disapproval),
        ("USA", "RUS"),
        "{}",
        show(&allegation)
    );
}

#[test]
fn talk_between_defence_chiefs_is_a_military_channel_whatever_its_topic() {
    let proposals = coded(
        "Defense Secretary Chuck Hagel spoke with Russian Defense Minister Sergei Shoigu \
         about the fighting in Ukraine on Monday.",
    );
    let call = find(&proposals, "the defence chiefs' call", |p| {
        p.event.action == "consult"
    });
    assert_eq!(call.event.issue.as_deref(), Some("military_channels"));
    assert_eq!(pillar(call), "stability", "{}", show(&proposals));
    // Diplomats' talk keeps its topic.
    let proposals = coded("Tillerson spoke with Lavrov about the fighting in Ukraine on Monday.");
    let call = find(&proposals, "the ministers' call", |p| {
        p.event.action == "consult"
    });
    assert_eq!(
        call.event.issue.as_deref(),
        Some("ukraine"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn a_phrase_after_the_day_is_the_verbs() {
    let proposals = coded("Tillerson spoke by phone on Monday with Lavrov about Syria.");
    let call = find(&proposals, "the call with Lavrov", |p| {
        p.event.action == "consult"
    });
    assert_eq!(parties(call), ("USA", "RUS"), "{}", show(&proposals));
    assert_eq!(call.event.occurred_on.to_string(), "2018-03-26");
}

#[test]
fn a_joint_act_told_twice_is_one_act_whichever_side_is_named_first() {
    let proposals = coded(
        "Trump and Putin agreed to normalize ties.\n\nThe Russian president and the US \
         president-elect agreed to channel relations in a constructive direction.",
    );
    let intents: Vec<&Proposal> = proposals
        .iter()
        .filter(|p| p.event.action == "intend_to_cooperate")
        .collect();
    assert_eq!(intents.len(), 1, "{}", show(&proposals));
    // Each side's own offer is its own act.
    let proposals = coded(
        "Russia is ready to resume the arms control dialogue, Lavrov said.\n\nThe United \
         States is ready to resume the arms control dialogue, Blinken said.",
    );
    let intents = proposals
        .iter()
        .filter(|p| p.event.action == "intend_to_cooperate")
        .count();
    assert_eq!(intents, 2, "{}", show(&proposals));
}

#[test]
fn an_approved_plan_is_the_approvers_deed_dated_by_the_approval() {
    let proposals = coded(
        "President Trump on Thursday signed off on a decision to send lethal weapons to Ukraine.",
    );
    let arming = find(&proposals, "the approved arming", |p| {
        p.event.action == "arm_adversary"
    });
    assert_eq!(parties(arming), ("USA", "UKR"), "{}", show(&proposals));
    assert_eq!(arming.event.occurred_on.to_string(), "2018-03-29");
    // A plan proposed, or not approved, is not done.
    for unapproved in [
        "President Trump did not approve a plan to send lethal weapons to Ukraine.",
        "President Trump proposed a plan to send lethal weapons to Ukraine.",
    ] {
        assert_none_is(&coded(unapproved), "arm_adversary");
    }
}

#[test]
fn training_a_partners_forces_arms_it() {
    let proposals = coded("American soldiers began training Ukrainian forces on Tuesday.");
    let training = find(&proposals, "the training", |p| {
        p.event.action == "arm_adversary"
    });
    assert_eq!(parties(training), ("USA", "UKR"), "{}", show(&proposals));
    assert_eq!(training.event.occurred_on.to_string(), "2018-03-27");
}

#[test]
fn staying_away_from_the_others_summit_is_a_hostile_step() {
    let proposals =
        coded("Russia did not attend the nuclear security summit in Washington on Tuesday.");
    let absence = find(&proposals, "the absence", |p| {
        p.event.action == "reduce_relations"
    });
    assert_eq!(parties(absence), ("RUS", "USA"), "{}", show(&proposals));
    assert!(
        has(
            &coded("Russia will boycott the summit in Washington."),
            "RUS",
            "USA",
            "negative"
        ),
        "a boycott announced"
    );
    assert_none_is(
        &coded("Putin attended the summit in Washington on Tuesday."),
        "reduce_relations",
    );
}

#[test]
fn a_title_before_a_name_says_what_the_person_is() {
    // The parser hangs both names on the second: only the titles say they are people freed.
    let proposals = coded(
        "US journalist Evan Gershkovich and former US marine Paul Whelan were released from \
         Russia Thursday.",
    );
    let release = find(&proposals, "the release", |p| p.event.action == "yield");
    assert_eq!(parties(release), ("RUS", "USA"), "{}", show(&proposals));
    assert_eq!(release.event.occurred_on.to_string(), "2018-03-29");
}

#[test]
fn an_appeal_to_no_one_named_is_not_made_to_the_other_side() {
    let proposals = coded_with_title(
        "Russia and the United States",
        "The White House has proposed extending the space station's operations to 2024.",
    );
    assert_none_is(&proposals, "appeal");
    let proposals = coded("Biden urged Putin on Thursday to renew the arms control treaty.");
    let appeal = find(&proposals, "the appeal to Putin", |p| {
        p.event.action == "appeal"
    });
    assert_eq!(parties(appeal), ("USA", "RUS"), "{}", show(&proposals));
}

#[test]
fn a_preposition_the_parser_hangs_inside_a_name_is_the_names() {
    let proposals = coded(
        "Defense Secretary Chuck Hagel spoke by phone on Monday with Russian Defense Minister \
         Sergei Shoigu about the fighting in Ukraine.",
    );
    let call = find(&proposals, "the call with Shoigu", |p| {
        p.event.action == "consult"
    });
    assert_eq!(parties(call), ("USA", "RUS"), "{}", show(&proposals));
    assert_eq!(call.event.occurred_on.to_string(), "2018-03-26");
}

#[test]
fn two_names_a_comma_apart_open_a_headline_as_its_two_subjects() {
    let proposals = coded_with_title(
        "Russia, US hold strategic stability consultations in Geneva",
        "More follows.",
    );
    let talks = find(&proposals, "the consultations", |p| {
        p.event.action == "consult"
    });
    assert_eq!(parties(talks), ("RUS", "USA"), "{}", show(&proposals));
    assert_eq!(pillar(talks), "stability", "{}", show(&proposals));
    let proposals = coded_with_title("US, Russian army chiefs meet in Baku", "More follows.");
    let meeting = find(&proposals, "the meeting", |p| p.event.action == "consult");
    assert_eq!(parties(meeting), ("USA", "RUS"), "{}", show(&proposals));
}

#[test]
fn a_noun_both_sides_own_stands_for_both() {
    let proposals = coded("US and Russian military leaders met in Baku on Thursday.");
    let meeting = find(&proposals, "the meeting", |p| p.event.action == "consult");
    assert_eq!(parties(meeting), ("USA", "RUS"), "{}", show(&proposals));
    assert_eq!(meeting.event.occurred_on.to_string(), "2018-03-29");
    assert_eq!(pillar(meeting), "stability", "{}", show(&proposals));
}

#[test]
fn what_a_side_does_with_a_third_party_is_not_done_to_the_other_side() {
    let proposals = coded("India and Russia today signed a five billion dollar missile deal.");
    assert!(proposals.is_empty(), "{}", show(&proposals));
    // With its own partner, a side still acts toward the other side.
    let proposals = coded(
        "Russia is shelling Ukrainian troops from its own soil, the United States and Ukraine \
         charged on Thursday.",
    );
    assert!(
        has(&proposals, "USA", "RUS", "negative"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn the_start_of_a_span_does_not_date_the_event() {
    let proposals = coded_with_title(
        "U.S., Russian defense chiefs speak by phone for first time since May",
        "More follows.",
    );
    let call = find(&proposals, "the call", |p| p.event.action == "consult");
    assert_eq!(call.event.occurred_on.to_string(), "2018-03-30");
}

#[test]
fn a_vow_to_retaliate_is_a_threat_not_an_intent_to_cooperate() {
    // The day between the verb and its infinitive makes the parser read it as one of purpose.
    let proposals =
        coded("The Kremlin vowed on Thursday to retaliate against the new US sanctions.");
    let threat = find(&proposals, "the threat", |p| p.event.action == "threaten");
    assert_eq!(parties(threat), ("RUS", "USA"), "{}", show(&proposals));
    assert_none_is(&proposals, "intend_to_cooperate");
    let proposals =
        coded("Moscow promised to respond to the US expulsions, Lavrov said on Thursday.");
    assert_none_is(&proposals, "intend_to_cooperate");
    assert!(
        has(&proposals, "RUS", "USA", "negative"),
        "{}",
        show(&proposals)
    );
}

#[test]
fn a_side_that_will_respond_threatens_but_one_that_responded_is_told_by_its_deed() {
    let proposals = coded(
        "The State Department said on Thursday that the United States will respond \
         appropriately to Russia.",
    );
    let threat = find(&proposals, "the threat", |p| p.event.action == "threaten");
    assert_eq!(parties(threat), ("USA", "RUS"), "{}", show(&proposals));
    let proposals = coded("Russia retaliated against the United States on Thursday.");
    assert_none_is(&proposals, "threaten");
}
