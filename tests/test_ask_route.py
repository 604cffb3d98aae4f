"""Which reply a question gets: organization questions, the domain gate, hedges, strict lookups."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.evaluation import route
from bot.knowledge.loader import Knowledge, load_knowledge
from bot.knowledge.org_questions import org_subject
from bot.knowledge.present import HEDGE_NOTE, present_answer
from bot.knowledge.route import RouteKind, criterion_number
from bot.knowledge.search import Answer, Hit, SearchIndex
from bot.orgs.index import OrgIndex, org_records

KNOWLEDGE = Path(__file__).resolve().parents[1] / "knowledge"


@pytest.fixture(scope="module")
def shipped() -> tuple[Knowledge, SearchIndex, OrgIndex]:
    knowledge = load_knowledge(KNOWLEDGE)
    return knowledge, SearchIndex.build(knowledge), OrgIndex.build(org_records(knowledge))


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("is hacking//hustling legit", "hacking//hustling"),
        ("should i give to one bread foundation", "one bread foundation"),
        ("is polaris project a good organization?", "polaris project"),
        ("Is Amnesty International good on sex work?", "amnesty international"),
        ("can i trust ncmec", "ncmec"),
        ("what do you know about survivor alliance", "survivor alliance"),
        ("thoughts on swop usa", "swop usa"),
        ("OUR rescue legit?", "our rescue"),
        ("should we partner with the new abolitionists", "the new abolitionists"),
        ("wait so is swop usa legit", "swop usa"),
        ("anyone know if swop behind bars is legit", "swop behind bars"),
        ("is unicef a good place to donate to", "unicef"),
    ],
)
def test_organization_questions_name_their_subject(question: str, subject: str) -> None:
    assert org_subject(question) == subject


@pytest.mark.parametrize(
    "question",
    [
        "is it good",
        "is this legit",
        "@everyone",
        "should i donate to a food bank or an animal shelter",  # two things, not a name
        "what is criterion 2",
        "what's the weather in paris",
        # A kind of organization described, not one named.
        "should i trust a charity that treats tip line calls as confirmed victims",
        "is an org with no survivors on staff legit",
    ],
)
def test_other_questions_name_no_organization(question: str) -> None:
    assert org_subject(question) is None


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        # The asking sentence, wherever it is in the message.
        ("is swop usa legit? a friend keeps sharing their posts", "swop usa"),
        ("long story short. can i trust ncmec", "ncmec"),
        # What follows the name: why they ask, or a second question about it.
        ("should we give to survivor alliance for our bake sale money", "survivor alliance"),
        ("is amnesty legit or are they just big", "amnesty"),
        ("swop usa good org or nah", "swop usa"),
        ("is unicef good to donate to if i want to help kids overseas", "unicef"),
        ("what do you know about the fbi and trafficking", "fbi"),
        ("is the anti trafficking review a good source", "anti trafficking review"),
        # The name first, then the ask.
        ("decrim ny - should i donate", "decrim ny"),
        ("rate that rescue - trustworthy?", "rate that rescue"),
        ("hacking hustling thoughts?", "hacking hustling"),
        # "Has anyone heard of X": the name after the asker's words.
        ("anyone heard of destiny rescue", "destiny rescue"),
        ("has anybody worked with swop usa", "swop usa"),
        ("anyone read revolting prostitutes? is it good", "revolting prostitutes"),
        ("does anyone know anything about exodus cry", "exodus cry"),
        # Asking for the rating, or a stance, in other words.
        ("how is exodus cry rated", "exodus cry"),
        ("whats the rating for destiny rescue", "destiny rescue"),
        ("what's your take on love146", "love146"),
        ("is exodus cry one of the good ones", "exodus cry"),
        ("is exodus cry anti sex work", "exodus cry"),
        ("does shared hope support decrim", "shared hope"),
        ("i keep seeing destiny rescue on insta, are they legit?", "destiny rescue"),
        ("my cousin works at covenant house, are they ok?", "covenant house"),
    ],
)
def test_the_name_is_found_around_asides(question: str, subject: str) -> None:
    assert org_subject(question) == subject


@pytest.mark.parametrize(
    "question",
    [
        "are ncmec numbers reliable",  # a claim about figures, not the organization
        "is the nordic model good",  # a policy
        "is decrim good for sex workers",  # a policy, though two organizations are called Decrim…
    ],
)
def test_a_subject_of_the_entries_is_not_taken_for_an_organization(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex], question: str
) -> None:
    _, index, orgs = shipped
    decision = route(index, orgs, question)
    assert decision.kind is RouteKind.ENTRY


def test_an_organization_named_exactly_wins_over_a_subject_word(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex],
) -> None:
    _, index, orgs = shipped
    decision = route(index, orgs, "what do you know about decrim now")
    assert decision.kind is RouteKind.ORG
    assert decision.orgs[0].id == "decrimnow"


@pytest.mark.parametrize(
    ("question", "org_id"),
    [
        ("is hacking//hustling legit", "hacking-hustling"),
        ("should i give to one bread foundation", "one-bread-foundation"),
        ("what do you know about survivor alliance", "survivor-alliance"),
        ("is operation underground railroad a scam", "operation-underground-railroad"),
        # The name as the object of the asker's sentence, or before a comma.
        ("a coworker recommended hacking hustling, are they reliable?", "hacking-hustling"),
        ("found swop usa on twitter, any good?", "swop-usa"),
        ("whats your take on wayfair as a brand", "wayfair"),
        ("what do u know about butterfly, the group for migrant sws", "butterfly-sw"),
        # A short acronym in lower case, and more ways to weigh an organization.
        ("does the fbi actually help trafficking victims", "fbi"),
        ("how does the dhs treat survivors", "us-department-of-homeland-security"),
        ("worth volunteering with decrimny?", "decrimny"),
        ("one bread foundation, good place to send money?", "one-bread-foundation"),
        ("hacking//hustling, do they do good work?", "hacking-hustling"),
        ("marriott keeps bragging about staff training. are they one of the good ones", "marriott"),
        ("wayfair says it trains drivers to spot trafficking, are they doing good here", "wayfair"),
        # A book worth reading, a track record, how it rates, a stance after the name.
        ("is revolting prostitutes worth a read", "revolting-prostitutes"),
        ("does the aclu have a good track record on sex work", "aclu"),
        ("how does interpol rate on this stuff", "interpol"),
        ("amnesty international stance on decrim, can i trust them", "amnesty-international"),
        ("is survivor alliance a real survivor-led group or just branding", "survivor-alliance"),
    ],
)
def test_a_known_organization_gets_its_card(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex], question: str, org_id: str
) -> None:
    _, index, orgs = shipped
    decision = route(index, orgs, question)
    assert decision.kind is RouteKind.ORG
    assert decision.orgs[0].id == org_id


@pytest.mark.parametrize(
    "question",
    [
        "is polaris project a good organization?",  # no source names it: no alias any more
        "is shared hope international legit",
        "is freedom united a good org",  # the 'judging an organization' topic is not about it
        # An organization on its face, though its words are an entry's: not NCMEC, not the
        # Nordic model.
        "is the national center on sexual exploitation legit",
        "is demand abolition a good group",
        "is the a21 campaign legit",  # "campaign" is a subject word, but "a21" is a name
        "does exodus cry actually help people",
        # One someone gives to, works for or asks about, in a question the entries do not answer.
        "hmm whats exodus cry's reputation like",
        "idk much about the freedom lantern, can someone fill me in",
        "i was going to donate 20 bucks to shared hope before i saw this",
        "my aunt works for hagar international and says theyre great",
        # Doubts and asides around the name, a race run for it.
        "shared hope legit or just pr",
        "a21, anyone know if theyre decent",
        "our youth group is doing a 5k for exodus road, should we be worried",
        "my church wants to raise money for shared hope. good idea?",
        "what about a21",  # an organization on its face ("what about X" asks of one only)
        # A name, then the asker's sentence; one they sponsor; a doubt after a comma.
        "destiny rescue keeps popping up in my feed, are they a scam",
        "my church sponsors hope for justice international, are they legit?",
        "exodus road, helpful or nah",
    ],
)
def test_an_unknown_organization_is_said_to_be_unknown(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex], question: str
) -> None:
    _, index, orgs = shipped
    assert route(index, orgs, question).kind is RouteKind.UNKNOWN_ORG


@pytest.mark.parametrize(
    "question",
    [
        "is it good",
        "@everyone",
        "who won the super bowl last year",
        "who is playing in the super bowl this year",
        "how many states are in the us",
        "what is a p value in statistics",
        "how do i become a police officer",
        "what are the penalties for drug trafficking in ohio",
        "how is arms trafficking policed",
        "how long do you go to prison for drug trafficking in florida",  # Florida is a myth's
        # Judging another cause's charities, or rescue and survivors in another sense.
        "which animal rescue charity is legit",
        "is this cancer research charity trustworthy",
        "do cancer survivors get therapy",
        "what's your take",
        "what's the difference between a cat and a dog",  # no glossary term compared
        "i heard the FBI is hiring, good idea to apply?",  # a job there, not a judgement
    ],
)
def test_near_domain_questions_are_refused(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex], question: str
) -> None:
    _, index, orgs = shipped
    decision = route(index, orgs, question)
    assert decision.kind is RouteKind.NONE, decision


def test_an_unknown_name_the_knowledge_base_answers_is_a_subject(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex],
) -> None:
    """ "is the nordic modle good for sex workers": a policy (typo and all), not an unknown org."""
    _, index, orgs = shipped
    decision = route(index, orgs, "wait so is the nordic modle actually good for sex workers")
    assert decision.kind is RouteKind.ENTRY
    assert decision.answer.best is not None
    assert decision.answer.best.id in {"nordic-model", "end-demand-protects-people"}


def test_a_claim_check_about_a_distinctive_subject_passes_the_gate(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex],
) -> None:
    _, index, _ = shipped
    answer = index.answer("was the wayfair thing fake")
    assert answer.best is not None and answer.best.id == "wayfair-cabinets-conspiracy"


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        # Fillers ("wait", "kinda") and where it was seen are asides; "proven" checks a claim.
        ("wait was the wayfair cabinet thing ever proven", "wayfair-cabinets-conspiracy"),
        ("is the 800k kids a year stat legit? saw it on tiktok", "800000-children-a-year"),
    ],
)
def test_asides_around_a_claim_check_do_not_refuse_it(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex], question: str, entry_id: str
) -> None:
    _, index, _ = shipped
    answer = index.answer(question)
    assert answer.best is not None and answer.best.id == entry_id


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("the cyntoia brown story", "criminalized-survivors"),
        ("that wayfair rumor", "wayfair-cabinets-conspiracy"),
        ("kraft spa case", "kraft-florida-spa-sting"),
    ],
)
def test_a_distinctive_name_asked_about_as_a_story_passes_the_gate(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex], question: str, entry_id: str
) -> None:
    # "story", "rumor", "case" ask about the name; "who won the super bowl" stays out.
    _, index, _ = shipped
    answer = index.answer(question)
    assert answer.best is not None and answer.best.id == entry_id


def test_a_hedged_answer_says_it_is_not_sure(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex],
) -> None:
    knowledge, _, _ = shipped
    hit = Hit("myths", "wayfair-cabinets-conspiracy", "Wayfair", 0.3)
    sure = present_answer(knowledge, Answer(best=hit, suggestions=[]))
    hedged = present_answer(knowledge, Answer(best=hit, suggestions=[], hedged=True))
    assert HEDGE_NOTE in hedged.text and HEDGE_NOTE not in sure.text
    assert hedged.data["sure"] is False and sure.data["sure"] is True


def test_a_question_that_names_an_entry_beats_a_rarer_word_elsewhere(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex],
) -> None:
    _, index, _ = shipped
    answer = index.answer("whats the difference between sex work and sex trafficking")
    assert answer.best is not None and answer.best.id == "all-sex-work-is-trafficking"


# -- /myth, /term, /criteria: an entry is the answer only when it surely is ---------------------


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("myths", "300,000 children"),  # the 100,000 myth is not about 300,000
        ("terms", "trafficking"),  # several terms hold the word: no single answer
        ("myths", "swerf"),
    ],
)
def test_resolve_refuses_a_partial_match(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex], kind: str, text: str
) -> None:
    _, index, _ = shipped
    assert index.resolve(kind, text) is None


@pytest.mark.parametrize(
    ("kind", "text", "entry_id"),
    [
        ("myths", "800k kids", "800000-children-a-year"),
        ("myths", "superbowl", "super-bowl-trafficking-spike"),
        ("myths", "kids snatched from target parking lots", "stranger-kidnapping"),
        ("terms", "nordic modle", "nordic-model"),
        ("criteria", "decriminalization", "criterion-2-decriminalization"),
        ("criteria", "10", "criterion-10-statistics"),
    ],
)
def test_resolve_accepts_names_typos_and_sure_answers(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex], kind: str, text: str, entry_id: str
) -> None:
    _, index, _ = shipped
    hit = index.resolve(kind, text)
    assert hit is not None and hit.id == entry_id


def test_suggestions_put_the_entry_named_by_the_word_first(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex],
) -> None:
    _, index, _ = shipped
    assert index.suggest("terms", "trafficking")[0].id == "sex-trafficking"
    near = [h.id for h in index.suggest("myths", "300,000 children")]
    assert "100000-children-in-sex-trade" in near


@pytest.mark.parametrize(
    ("text", "number"),
    [("11", 11), ("#11", 11), ("criterion 12", 12), ("criteria 0", 0), ("abc", None)],
)
def test_criterion_number(text: str, number: int | None) -> None:
    assert criterion_number(text) == number


@pytest.mark.parametrize(
    ("question", "term_id"),
    [
        ("what does peer support mean in a group like ours", "peer-support"),
        ("ok so whats the real definition of sex trafficking", "sex-trafficking"),
        ("define swerf", "swerf"),
        # The word, then an aside.
        ("wtf is the nordic model ppl keep bringing up", "nordic-model"),
        ("what even is mutual aid, my group keeps saying it", "mutual-aid"),
        # The word first, the ask after.
        ("ppl keep saying 'swerf' in these threads, meaning?", "swerf"),
        # "what does it mean ...": the word in quotes.
        ("what does it mean when a group calls its help 'voluntary'", "voluntary-service-model"),
        # The words are one term's whole name and only part of others' ("survival sex work").
        ("define sw", "sex-work"),
        # "what is X" of a term's whole name or alias (FOSTA is a myth's name too).
        ("what is sesta", "fosta-sesta"),
        ("whats the tvpa", "tvpa"),
        # The word in quotes, then "meaning?" or "what does that mean in practice".
        ("my prof keeps saying 'harm reduction' in lectures. meaning?", "harm-reduction"),
        ("the flyer says 'mutual aid' a lot, what does that mean in practice", "mutual-aid"),
        ("what counts as peer support", "peer-support"),
    ],
)
def test_a_definition_question_gets_the_glossary_term(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex], question: str, term_id: str
) -> None:
    _, index, _ = shipped
    answer = index.answer(question)
    assert answer.best is not None
    assert (answer.best.kind, answer.best.id, answer.hedged) == ("terms", term_id, False)


@pytest.mark.parametrize("question", ["what does 'based' mean", "whats based mean in memes"])
def test_a_common_word_of_a_longer_term_name_is_not_that_term(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex], question: str
) -> None:
    # "based" is one word of "circumstance-based sex work", not what the term defines.
    _, index, _ = shipped
    answer = index.answer(question)
    assert answer.best is None or answer.best.id != "survival-sex-work"


def test_what_is_a_word_of_a_longer_term_name_is_no_definition(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex],
) -> None:
    # "trafficking" is a word of "sex trafficking", not its whole name: no sure definition.
    _, index, _ = shipped
    answer = index.answer("what is trafficking")
    assert answer.best is None or answer.best.id != "sex-trafficking" or answer.hedged


def test_a_distinctive_word_of_a_term_name_is_that_term(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex],
) -> None:
    _, index, _ = shipped
    answer = index.answer("what does nordic mean")
    assert answer.best is not None and answer.best.id == "nordic-model"


def test_a_word_said_before_what_does_that_mean_is_defined(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex],
) -> None:
    _, index, orgs = shipped
    decision = route(index, orgs, "someone called my professor swerfy, what does that mean")
    assert decision.kind is RouteKind.ENTRY and decision.answer.best is not None
    assert decision.answer.best.id == "swerf"
    # No glossary term said: nothing to define.
    assert route(index, orgs, "my friend texted ngl and lol, what does that mean").kind is (
        RouteKind.NONE
    )


def _shipped_model() -> None:
    pytest.importorskip("wordllama", reason="the semantic extra is not installed")


def test_an_organization_question_the_meaning_confirms_is_on_the_subject(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex],
) -> None:
    _shipped_model()
    _, index, orgs = shipped
    question = "how do i figure out what an org actually does day to day vs just marketing"
    decision = route(index, orgs, question)
    assert decision.answer.best is not None
    assert decision.answer.best.id == "criterion-6-actual-work"
    # The same shape about another subject stays out.
    assert route(index, orgs, "what are good charities for animal shelters").kind is (
        RouteKind.NONE
    )


def test_a_distinctive_homonym_is_not_enough_when_the_meaning_points_elsewhere(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex],
) -> None:
    _shipped_model()
    _, index, orgs = shipped
    # "live" is distinctive in the base only as in "lived experience".
    assert route(index, orgs, "how many people live in the us").kind is RouteKind.NONE


def test_a_common_name_word_is_not_enough_when_the_meaning_points_elsewhere(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex],
) -> None:
    _shipped_model()
    _, index, orgs = shipped
    # "signs" is in the name of the myth about lists of signs; the meaning is elsewhere.
    assert route(index, orgs, "signs of depression in children").kind is RouteKind.NONE
    answer = index.answer("are trafficking signs lists any use")
    assert answer.best is not None and answer.best.id == "signs-of-trafficking-lists"


def test_a_spelled_out_acronym_does_not_make_its_words_the_entry_s_name(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex],
) -> None:
    _, index, _ = shipped
    # "enabling" is in "Stop Enabling Sex Traffickers Act", which SESTA spells out.
    answer = index.answer("is harm reduction just enabling people")
    assert answer.best is not None and answer.best.id == "harm-reduction"
    # The long form itself still finds its entry.
    named = index.answer("what is the stop enabling sex traffickers act")
    assert named.best is not None and named.best.id == "fosta-sesta"


@pytest.mark.parametrize(
    ("question", "org_id"),
    [
        ("has the ACLU done anything bad", "aclu"),
        ("i keep seeing OUR on insta, are they legit?", "operation-underground-railroad"),
        ("how is decrimny rated", "decrimny"),
        ("does amnesty support decrim", "amnesty-international"),
        ("info on hacking hustling pls, are they legit", "hacking-hustling"),
        ("ACLU?", "aclu"),
        ("info on decrimnow pls", "decrimnow"),  # "decrim" is in the name, not a subject
        ("has ATR done anything bad", "anti-trafficking-review"),
        # Asides around the name: where it works, what kind it is, a note in parentheses.
        ("what do you know about interpol in europe", "interpol"),
        ("is the anti-trafficking review site reliable", "anti-trafficking-review"),
        ("is amnesty international (the human rights one) legit", "amnesty-international"),
        # Its web address, its stance, the name before the question, the name alone.
        ("is https://www.ourrescue.org legit", "operation-underground-railroad"),
        ("whats the aclus stance on sex work", "aclu"),
        ("decrimny, what do you think about them", "decrimny"),
        ("who is survivor alliance", "survivor-alliance"),
        # A shape that cut into a longer known name, and names with dots.
        ("rate that rescue?", "rate-that-rescue"),
        ("rate one bread", "one-bread-foundation"),
        ("my friend works at O.U.R., are they ok?", "operation-underground-railroad"),
        ("the problem with forced rescue and detention", "forced-rescue-and-detention-report"),
        # A possessive, a sentence around the name, and more ways of weighing it.
        ("whats decrimny's reputation like", "decrimny"),
        ("i keep seeing ads for the aclu everywhere, are they legit", "aclu"),
        ("is hacking hustling actually helping sex workers or just posting", "hacking-hustling"),
        ("amnesty seems sketchy", "amnesty-international"),
        ("bot do u know survivor alliance", "survivor-alliance"),
        ("could u check one bread for me", "one-bread-foundation"),
        # A place or part of its work after the name, an aside after the question, "what's X
        # like" and "how about X" (asked of a known name only).
        ("decrimny nyc - good to donate to?", "decrimny"),
        ("interpol trafficking ops - any good", "interpol"),
        ("is amnesty any good, asking for my book club", "amnesty-international"),
        ("whats hacking hustling like", "hacking-hustling"),
        ("how about the aclu, any good", "aclu"),
        # Names too long for a question's X: nine words, and a title holding "and".
        ("is national agency for the prohibition of trafficking in persons legit", "naptip"),
        (
            "what do u know about the problem with forced rescue and detention",
            "forced-rescue-and-detention-report",
        ),
    ],
)
def test_a_known_organization_named_anywhere_in_a_judging_question_gets_its_card(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex], question: str, org_id: str
) -> None:
    _, index, orgs = shipped
    decision = route(index, orgs, question)
    assert decision.kind is RouteKind.ORG, decision
    assert decision.orgs[0].id == org_id


@pytest.mark.parametrize(
    "question",
    [
        "is ICE cream safe to eat",  # no judgement asked, and "ICE" is not this ICE
        "how do i get a job at interpol",
        "saw a post using ncmec data as proof of an epidemic, legit?",  # its figures: an entry
        "was the wayfair trafficking thing a scam",  # the myth, not the company
    ],
)
def test_a_name_in_a_question_that_does_not_judge_it_gets_no_card(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex], question: str
) -> None:
    _, index, orgs = shipped
    assert route(index, orgs, question).kind is not RouteKind.ORG


def test_the_word_criteria_alone_does_not_make_a_question_ours(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex],
) -> None:
    _, index, orgs = shipped
    off = route(index, orgs, "what criteria do hiring managers use when screening resumes")
    assert off.kind is RouteKind.NONE
    ours = route(index, orgs, "what are the ten criteria")
    assert ours.kind is RouteKind.ENTRY


def test_earn_it_said_as_a_bill_is_the_act(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex],
) -> None:
    # The acronym's term comes from "earn it" followed by act, bill or law, not from the words.
    _, index, _ = shipped
    answer = index.answer("was the earn it bill bad for sex workers")
    assert answer.best is not None and answer.best.id == "earn-it-act"
    assert "earnit" not in index._analyzer("you have to earn it")


@pytest.mark.parametrize(
    ("question", "acceptable"),
    [
        ("how does harm reduction work for people in the sex trades", {"harm-reduction"}),
        (
            "is the nordic model good for people in the sex trades",
            {"end-demand-protects-people", "nordic-model"},
        ),
        (
            "what is peer support for people in the sex trades",
            {"tenet-peer-support", "peer-support"},
        ),
    ],
)
def test_a_longer_alias_said_does_not_outrank_the_entry_the_question_names(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex], question: str, acceptable: set[str]
) -> None:
    # "people in the sex trades" is an alias of "sex work"; the subject is the other name said.
    _, index, _ = shipped
    answer = index.answer(question)
    assert answer.best is not None and answer.best.id in acceptable


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        # "ex" is "former"; in this subject, a wall is a border policy.
        ("should the leaders of an org be ex police", "criterion-1-leadership"),
        ("anti trafficking group wants to build the wall", "criterion-8-immigration-politics"),
    ],
)
def test_everyday_words_for_the_entries_words(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex], question: str, entry_id: str
) -> None:
    _, index, _ = shipped
    answer = index.answer(question)
    assert answer.best is not None and answer.best.id == entry_id


@pytest.mark.parametrize(
    ("question", "term_id"),
    [
        ("decrim vs legalization", "decriminalization"),
        ("difference between the nordic model and decrim", "nordic-model"),
        ("is there a difference between harm reduction and enabling", "harm-reduction"),
    ],
)
def test_a_comparison_gets_the_first_glossary_term_of_the_two(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex], question: str, term_id: str
) -> None:
    _, index, _ = shipped
    answer = index.answer(question)
    assert answer.best is not None
    assert (answer.best.kind, answer.best.id, answer.hedged) == ("terms", term_id, False)


def test_a_word_that_only_begins_a_term_s_name_is_not_compared(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex],
) -> None:
    """ "bad" begins "Bad date list", but "just a really bad job" does not name it."""
    _, index, _ = shipped
    answer = index.answer("legally what makes something trafficking vs just a really bad job")
    assert answer.best is None or answer.best.id != "bad-date-list"


def test_an_organization_a_member_introduces_is_the_subject_when_the_entries_have_no_answer(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex],
) -> None:
    _, index, orgs = shipped
    unknown = route(index, orgs, "my cousin works for a charity named A21 in texas")
    assert unknown.kind is RouteKind.UNKNOWN_ORG and unknown.subject == "a21"
    known = route(index, orgs, "we partner with an org called hacking hustling, good idea?")
    assert known.kind is RouteKind.ORG and known.orgs[0].id == "hacking-hustling"
    # A claim check is about the claim, whoever made it.
    claim = "a charity called polaris says 300,000 kids are trafficked in the us, is that true"
    assert route(index, orgs, claim).kind is not RouteKind.UNKNOWN_ORG


@pytest.mark.parametrize(
    "question",
    [
        "should i donate to my local shelter",  # the asker's own: how to help
        "i want to donate to help trafficking survivors",
        "my dad works for ICE, whats his job like",  # nothing asked of ICE
        "whats the weather like in paris",  # "what's X like" weighs only a known name
        "what about sex workers who like their job",
        "how do i volunteer at interpol",
        "my aunt keeps sharing posts about kids being taken from parking lots, real?",
    ],
)
def test_what_someone_gives_to_is_not_always_an_organization(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex], question: str
) -> None:
    _, index, orgs = shipped
    assert route(index, orgs, question).kind not in (RouteKind.UNKNOWN_ORG, RouteKind.ORG)


@pytest.mark.parametrize(
    "question",
    ["is the 800k kids a year stat legit?", "is the 10k stat real", "is that 1990s study legit"],
)
def test_a_figure_is_not_an_organization_s_name(
    shipped: tuple[Knowledge, SearchIndex, OrgIndex], question: str
) -> None:
    _, index, orgs = shipped
    assert route(index, orgs, question).kind is not RouteKind.UNKNOWN_ORG
