"""What kind of reply a question gets: a knowledge entry, an organization's card, or "I don't know".

Members ask about organizations the way they ask anything else ("is hacking//hustling legit",
"should i give to one bread foundation"), but organizations are not in the knowledge index: they
are found by the ``/rate`` matcher (:mod:`bot.orgs.index`), which knows their names, aliases and
acronyms and never guesses. :func:`org_subject` pulls the "X" out of such a question;
:func:`decide` combines the knowledge answer and the organization lookup into one :class:`Route`.

Both are pure, so the command (which looks the organization up asynchronously), the CLI and the
evaluation take exactly the same decision.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from bot.knowledge.search import Answer
from bot.knowledge.text import fold_for_search, tokenize
from bot.orgs.index import Candidate, OrgMatch, Outcome

__all__ = [
    "Route",
    "RouteKind",
    "criterion_number",
    "decide",
    "introduced_name",
    "is_an_organization",
    "judges_an_organization",
    "mentioned_subject",
    "names_a_topic",
    "org_subject",
]

_NUMBER_ONLY = re.compile(
    r"^\s*(?:(?:criterion|criteria|crit)\s*)?(?:#|no\.?|number\s*)?\s*(\d{1,4})\s*$"
)


def criterion_number(text: str) -> int | None:
    """The number in "11", "#11" or "criterion 11" (any size, so "11" can be refused)."""
    match = _NUMBER_ONLY.match(fold_for_search(text))
    return int(match.group(1)) if match else None


# What members call an organization ("a good charity", "a group called X", "an org that ...").
_KIND = r"org|orgs|organi[sz]ation|charity|nonprofit|non profit|ngo|group"
# Words that, after "is X good", say what X is ("a good charity", "good on sex work").
_TAIL = (
    rf"(?:\s+(?:{_KIND}|cause|one|"
    r"place to (?:donate|give|volunteer)(?: to| for| with| at)?|"
    r"to (?:donate|give|support|work|volunteer)(?: to| for| with)?|"
    r"on .{1,40}|for .{1,40}|at .{1,40}|with .{1,40}|or not|at all|or a scam|or what|or bad|"
    # "a good source", "a good read": what else X may be.
    r"source|resource|book|read|site|website|account|page|podcast|"
    # "is unicef good to donate to if i want to help kids overseas": why they ask.
    r"(?:if|because|bc|cuz|since|when|before|after) .{1,60}|"
    r"or (?:nah|naw|no|nope|naur|sketchy|shady|harmful|bad|not|legit|good|sus)|"
    # "is X legit or are they part of the problem": a second question about X.
    r"or (?:is|are|was|were|do|does|did|should|would|can|will) .{1,60}|"
    r"tho|though|really))*"
)
_GOOD = (
    r"(?:(?:a |an |any |actually |really |even |still )*"
    r"(?:good|legit|legitimate|trustworthy|trusted|reliable|reputable|safe|ok|okay|fine|"
    r"bad|shady|sketchy|sus|problematic|harmful|a scam|scam|scammy|real|worth it|"
    r"worth (?:supporting|donating to|giving to|(?:volunteering|working) (?:with|at|for))|"
    r"(?:a )?(?:good|safe|trustworthy) (?:bet|choice)))"
)
# Who a member asks ("anyone heard of X", "do u know anything about X").
_ANYONE = r"(?:any ?one|any ?body|u|you|y'?all|ppl|people)"
_PATTERNS = [
    # "decrim ny - should i donate", "rate that rescue - trustworthy?": the name, then the ask.
    re.compile(
        rf"^(?P<x>[^-–—:]+?)\s*[-–—:]+\s*(?:(?:is|are)\s+(?:it|they)\s+)?(?:{_GOOD}{_TAIL}|"
        r"(?:should|can|could|would)\s+(?:i|we)\s+(?:donate|give|trust|support|volunteer)\b.*|"
        r"thoughts|opinions?|any good|worth it)$"
    ),
    re.compile(rf"^(?:is|are|was|r)\s+(?P<x>.+?)\s+{_GOOD}{_TAIL}$"),
    re.compile(
        r"^(?:can|should|could|do|would)\s+(?:i|we|you|people|one)\s+(?:really\s+|actually\s+)?"
        r"(?:trust|believe|rely on)\s+(?P<x>.+)$"
    ),
    re.compile(
        r"^(?:should|can|could|would it be ok to|is it ok to|is it okay to)\s+(?:i|we)?\s*"
        r"(?:give|donate|send money|volunteer|support|fundraise|raise money|work|partner)\s+"
        r"(?:money\s+|with\s+|for\s+|to\s+)*(?P<x>.+)$"
    ),
    re.compile(
        r"^(?:what|wat|wht)\s+(?:do|does|did)\s+(?:you|u|ya|vetbot|the bot|we)\s+"
        r"(?:know|think|say|have)\s+(?:about|of|on)\s+(?P<x>.+)$"
    ),
    re.compile(
        r"^(?:thoughts|opinions?|views?|your take|any info|info|ratings?|rate)\s+"
        r"(?:(?:on|about|of|for)\s+)?(?P<x>.+)$"
    ),
    re.compile(
        r"^(?:(?:can|could|would)\s+(?:u|you)\s+(?:pls\s+|please\s+)?)?(?:tell me|talk)\s+"
        r"(?:more\s+)?about\s+(?P<x>.+)$"
    ),
    # "bot do u know exodus cry", "could u check X for me, is it a good org".
    re.compile(
        rf"^(?:do|does)\s+{_ANYONE}\s+know\s+(?!(?:anything|something|much|about|abt|of|if|"
        r"whether|what|how|who|why|where|when)\b)(?P<x>[^,?!]+)$"
    ),
    re.compile(
        r"^(?:(?:can|could|would)\s+(?:u|you)\s+)?(?:check|look up|vet|rate)\s+(?P<x>[^,?!]+?)"
        r"\s+for\s+(?:me|us)\b.*$"
    ),
    # "pls tell me X isnt a scam".
    re.compile(
        r"^(?:pls\s+|please\s+)?tell me\s+(?P<x>.+?)\s+(?:is|isnt|isn't|is not|are|arent|aren't)\s+"
        + _GOOD
        + r"\b.*$"
    ),
    # "anyone heard of destiny rescue", "has anybody worked with swop".
    re.compile(
        rf"^(?:(?:has|have|did|does)\s+)?{_ANYONE}\s+"
        r"(?:ever\s+)?(?:heard of|hear of|know about|familiar with|worked with|work with|"
        r"donated to|donate to|volunteered (?:with|at|for)|read|follow|used)\s+(?P<x>[^?!]+)$"
    ),
    re.compile(r"^(?:ever heard of|heard of|familiar with)\s+(?P<x>.+)$"),
    re.compile(
        rf"^(?:(?:does|do)\s+)?{_ANYONE}\s+know\s+"
        r"(?:anything|much|something)\s+(?:about|abt|of|on)\s+(?P<x>[^?!]+)$"
    ),
    # "how is X rated", "whats the rating for X", "what's your take on X".
    re.compile(
        r"^(?:how|hows)\s+(?:is|are|does|do\s+)?(?P<x>.+?)\s+(?:rated|rate|score)"
        r"(?:\s+(?:on here|here|by you|by u))?$"
    ),
    re.compile(
        r"^(?:what'?s|whats|what is|what are|do (?:u|you) have|is there|got)\s+"
        r"(?:the\s+|a\s+|your\s+|ur\s+|vetbot'?s\s+)?(?:rating|ratings|score|card|take|"
        r"opinion|view|verdict)\s+(?:for|of|on|about)\s+(?P<x>.+)$"
    ),
    # "is X one of the good ones", "is X anti sex work", "does X support decrim".
    re.compile(r"^(?:is|are)\s+(?P<x>.+?)\s+(?:one of the|among the)\s+(?:good|bad)(?: ones)?$"),
    re.compile(r"^(?:is|are)\s+(?P<x>.+?)\s+(?:anti|pro)[- ]?(?:sex[- ]?work\w*|sws?|decrim\w*)$"),
    # "is X actually helping trafficking victims or just fundraising off them".
    re.compile(
        r"^(?:is|are)\s+(?P<x>.+?)\s+(?:actually\s+|really\s+|even\s+)?(?:helping|hurting|"
        r"harming)\s+(?:people|anyone|anybody|victims|survivors|sws?|sex workers|kids|children|"
        r"trafficking victims)\b.*$"
    ),
    # "does exodus cry actually help people": whether its work helps.
    re.compile(
        r"^(?:does|do)\s+(?P<x>.+?)\s+(?:actually\s+|really\s+|even\s+)?(?:help|hurt|harm)\s+"
        r"(?:people|anyone|anybody|victims|survivors|sws?|sex workers|kids|children)"
        r"(?:\s+or\s+not|\s+at\s+all)?$"
    ),
    re.compile(
        r"^(?:does|do)\s+(?P<x>.+?)\s+(?:actually\s+|really\s+)?(?:support|oppose|back)\s+"
        r"(?:decrim\w*|sex work\w*|sws?|sex workers?)$"
    ),
    # "i keep seeing X on insta, are they legit?", "my friend works at X, are they ok?".
    re.compile(
        r"^(?:i\s+)?(?:keep\s+)?(?:seeing|see|saw)\s+(?P<x>[^,?!]+?)\s+(?:on|in|all over)\s+"
        r"[^,?.!]+[,?.!]*\s+(?:are|is)\s+(?:they|it|that)\s+" + _GOOD + r"\W*$"
    ),
    re.compile(
        r"^(?:my\s+\w+|i)\s+(?:works?|volunteers?|interns?)\s+(?:at|for|with)\s+"
        r"(?P<x>[^,?!]+?)[,?.!]*\s+(?:are|is)\s+(?:they|it)\s+(?:ok|okay|good|legit|fine|safe|"
        r"trustworthy)\b.*$"
    ),
    # "hacking hustling thoughts?": the name first.
    re.compile(r"^(?P<x>.+?)\s+(?:thoughts|opinions|views|takes)$"),
    # "what about X, can I trust them?": the name first, the question about it after.
    re.compile(
        r"^(?:what|how|and)\s+about\s+(?P<x>[^,?.!]+)[,?.!]*\s+(?:can|should|could|do|would)\s+"
        r"(?:i|we|you|people)\s+(?:really\s+|actually\s+)?(?:trust|believe|rely on|donate to|"
        r"give to|support)\s+(?:them|it|they|him|her)\b.*$"
    ),
    re.compile(
        r"^(?:what'?s|whats|what is)\s+the\s+(?:deal|story|verdict)\s+(?:with|on)\s+(?P<x>.+)$"
    ),
    # "whats amnesty internationals deal with sw": the name's own stance (apostrophe or not).
    re.compile(
        r"^(?:what'?s|whats|what is|what are)\s+(?P<x>.+?)(?:'s|s|')?\s+(?:deal|stance|position|"
        r"views?|take|reputation|rep|track record)(?:\s+(?:with|on|about|re)\s+.+|\s+like)?$"
    ),
    # "hacking hustling, what do u know about them": the name, then a question about it.
    re.compile(
        rf"^(?P<x>[^,?.!:]+)[,:]+\s*(?:(?:what|wat)\s+(?:do|does)\s+{_ANYONE}\s+"
        r"(?:know|think|say)\s+(?:about|of|abt)\s+(?:them|it|they)|"
        rf"(?:are|is)\s+(?:they|it|them)\s+{_GOOD}|"
        r"(?:can|should|could)\s+(?:i|we|you)\s+(?:really\s+)?(?:trust|donate to|give to|support)"
        r"\s+(?:them|it))\b.*$"
    ),
    re.compile(
        r"^(?:how|hows)\s+(?:good|legit|trustworthy|reliable|safe)\s+(?:is|are)\s+(?P<x>.+)$"
    ),
    re.compile(rf"^(?P<x>.+?)\s+(?:(?:is|are|seems?|looks?|sounds?|feels?)\s+)?{_GOOD}{_TAIL}$"),
]
# X that is no name at all: a pronoun or a placeholder.
_NO_NAME = re.compile(
    r"^(?:it|this|that|they|them|these|those|he|she|you|u|i|we|there|here|one|ok|everything|"
    r"your|ur|my|his|her|their|its|people|ppl|everyone|what|which|who|"
    r"anything|something)$"
)
# X that names one of the knowledge base's own subjects ("are ncmec numbers reliable", "is the
# nordic model good"): the entries answer it, unless X is exactly an organization's name or
# alias ("decrim ny").
_TOPIC_WORDS = re.compile(
    r"\b(?:numbers?|stats?|statistics?|figures?|data|claims?|study|studies|report|reports|"
    r"research|model|law|laws|act|bill|policy|approach|idea|list|lists|training|campaign|"
    r"movie|film|article|post|sign|signs|decrim\w*|legali[sz]\w*|sex work|criteri\w*|myth|"
    r"term|theory|narrative|story|stories|stuff|thing|things|method|system|raids?|"
    r"stings?|therapy|housing|aftercare)\b"
)
_OPENERS = re.compile(
    r"^(?:(?:so|ok|okay|hey|hi|yo|um|hmm|wait|lol|honestly|ngl|genuinely|real talk|lowkey|"
    r"(?:hey |hi |yo |ok |okay )?(?:bot|vetbot)|tbh|idk|fr|"
    r"(?:ok so |so )?(?:random|quick|dumb|honest) (?:question|q)(?: but)?|question|sorry|also|"
    r"and|but|(?:just )?(?:curious|wondering)(?: if| whether)?|"
    r"(?:does |do )?(?:any ?one|any ?body|you guys|y'?all|u) (?:know|knows) (?:if|whether))"
    r"[\s,:]+)+"
)
_ARTICLE = re.compile(r"^(?:the|a|an|this|that)\s+")
# "a charity that ...", "any org who ...": a kind of organization described, not one named.
_DESCRIPTION = re.compile(
    r"^(?:a|an|any|some|every|which|what|orgs?|charities|groups)\s+(?:\w+\s+){0,2}"
    rf"(?:{_KIND}|organi[sz]ations|charities|nonprofits|ngos|groups|programs?|shelters?)\b"
    r"(?:\s+(?:that|which|who|where|whose|when|with|run)\b|$)"
)
_TRAILING = re.compile(r"[\s?!.,:;]+$")
# Where one sentence of a message ends and the next begins ("is OUR legit? my pastor loves them").
_SENTENCE_END = re.compile(r"(?<=[?!.])\s+")
# What a member adds after the name: why they ask ("donate to unicef for anti trafficking stuff").
# Names may hold "for" ("Center for ..."), but not "for" followed by the asker's own words.
_PURPOSE = re.compile(
    r"\s+(?:because|bc|cuz|cause|since|if|when|after|so that|so)\s"
    # "the fbi and trafficking", "amnesty on sex work": the subject they ask it about.
    r"|\s+(?:and|on|re|regarding|about|with)\s+(?=(?:anti[- ]?)?(?:human |sex |child )?"
    r"(?:trafficking|sex work|sw\b|decrim))"
    r"|\s+for\s+(?=(?:.*\s)?(?:my|our|me|us|i|we|you|your|this|that|some|stuff|things?|anti)\b)"
)
_NOT_ALNUM = re.compile(r"[\W_]+")
# "butterfly (the sw group)", "gems (girls educational and mentoring services)": an aside.
_PARENTHESES = re.compile(r"\s*\([^)]*\)?")
# "ourrescue.org", "https://www.hrw.org/news": a site names the organization behind it.
_WEB_ADDRESS = re.compile(
    r"^(?:https?://)?(?:www\.)?(?P<site>[a-z0-9][a-z0-9-]*)\.(?:org|com|net|ngo|info|us|uk|"
    r"co|io|ca|au|eu)(?:[./]\S*)?$"
)
# What members put around a name that is not part of it ("has X done anything", "X pls").
_ASIDE = """
    has have had did does do done is are was were anything something bad good pls please plz rn
    tho though really actually even ever lately now the a an they them it its legit ok okay info any
"""
# "the anti-trafficking review journal": what kind of organization it is.
_KIND_WORDS = """
    org organization organisation charity nonprofit ngo group ministry journal magazine site
    website page account people folks guys
"""
_ASIDE_WORDS = frozenset(_ASIDE.split()) | frozenset(_KIND_WORDS.split())
# "a ministry called 'rahab's daughters'": a name the member introduces, quoted or up to the
# clause that says what it does.
_CALLED = re.compile(
    rf"\b(?:{_KIND}|ministry|program|programme|outreach|church|campaign|company|shelter|"
    r"foundation|initiative|project|page|account)\s+(?:called|named)\s+"
    r"(?:['\"“](?P<quoted>.+?)['\"”](?=[\s,.!?;:]|$)|(?P<plain>[^,.!?;:'\"“”]+))"
)
_CLAUSE = re.compile(
    r"\s+(?:that|which|who|where|and|but|or|is|are|was|were|has|have|does|do|they|it|in|on|at|"
    r"for|with|so|because|bc|cuz|if|when|before|after|this|next|last|rn|tbh|ngl|lol|pls|"
    r"please|everywhere|anymore|yet|first|too|also|though|tho)\b"
)
# "i was gonna give like $50 to X", "volunteering at X this summer": an organization someone
# would give to or work with.
_INVOLVED = re.compile(
    r"\b(?:(?:donat\w*|giv(?:e|ing|ng)|send(?:ing)?)\s+"
    r"(?:(?:like\s+|about\s+)?\$?\d+\s+(?:bucks\s+|dollars\s+)?|(?:some\s+)?money\s+)?"
    r"(?:to|for)|(?:volunteer\w*|intern\w*|sign(?:ed|ing)?\s+up)\s+(?:at|with|for)|"
    r"(?:works?|worked|working)\s+(?:at|for)|(?:fundrais\w*|a\s+(?:charity|fun)\s+run)\s+for|"
    r"referred\s+(?:me|us|her|him|them)\s+to)\s+(?P<x>[^,?!.;:'\"“”]+)"
)
# "need honest opinion on X", "heard some sketchy stuff about X", "idk much about X".
_ASKED_ABOUT = re.compile(
    r"\b(?:opinions?|thoughts|takes?|info|information|stuff|things|rumou?rs|reviews?|"
    r"experiences?|(?:know|knows|idk)\s+(?:much|anything|something|a lot)|posting|posts|"
    r"talking|reading|heard)\s+(?:on|about|of|with|abt)\s+(?P<x>[^,?!.;:]+)"
    # "i dont trust X but ...", "would u recommend X".
    r"|\b(?:trust|rec+om+end)\s+(?P<y>[^,?!.;:]+)"
)
# "my local shelter": the asker's own place, not a name ("our" is OUR too: see _OWNED).
_THEIRS = re.compile(r"^(?:my|your|ur|his|her|their|some|local|the local)\s")
# ... and, where the name is only guessed from "give to X", "our church" and "a shelter" too.
_OWNED = re.compile(r"^(?:my|our|your|ur|his|her|their|some|a|an|any|local|the local)\s")
# Words of a claim about figures or a myth, whoever made it ("a charity called X says 300,000").
_FIGURES = (
    "myth myths hoax debunk debunked conspiracy stat stats statistic statistics number numbers"
)
_FIGURE_CLAIM = frozenset(f"{_FIGURES} figure figures".split())
_POSSESSIVE_START = re.compile(r"^'s?\b")
# Words of a sentence around a name, never of a name ("i keep seeing ads for X everywhere").
_SENTENCE = """
    i im i'm my me you u your ur they them he she we is are was were be been do does did have
    has had will would should could can see seeing saw keep keeps heard hear everywhere ads
    posts videos dont don't know whats what's
"""
_SENTENCE_WORDS = frozenset(_SENTENCE.split())
# "naptip in nigeria", "polaris from the us": where an organization is or works.
_PLACE = re.compile(r"^\s+(?:(?:based\s+)?in|from|out of)\s+(?:the\s+)?\w+(?:\s+\w+)?\s*$")
# "what is X", "who are X": a question that is nothing but a name.
_ASKS_WHAT = re.compile(r"^(?:(?:what|who|wat)(?:'s|s|\s+is|\s+are)|whos)\s+(?:the\s+)?")
# Words that make a name an organization's ("Shared Hope International", "... Foundation").
_ORG_FORM = re.compile(
    r"\b(?:foundation|fund|center|centre|institute|international|intl|ministry|ministries|"
    r"agency|department|bureau|commission|authority|"
    r"missions?|alliance|coalition|network|project|society|association|initiative|council|"
    r"league|federation|collective|inc|llc|ngo)\b"
)
# A word of letters and digits together ("A21", "Love146"): a name, not a subject's words.
_NAME_CODE = re.compile(r"\b(?=\w*[a-z])(?=\w*\d)\w{2,}\b", re.IGNORECASE)
# "is X a good charity": the asker says X is an organization.
_CALLED_AN_ORG = re.compile(rf"{_GOOD}\s+(?:{_KIND})\b")
MAX_NAME_WORDS = 7
#: An unknown "X" the knowledge base surely answers on its own is a subject, not an organization:
#: a sure answer to the whole question is given then (see :func:`decide`).
SURE_WHOLE_OVER_SUBJECT = True
#: A known organization named anywhere in a question that judges it is its subject, when no
#: question shape (:data:`_PATTERNS`) found one.
MENTIONED_ORGANIZATIONS = True
#: An X that is an organization on its face (:func:`is_an_organization`) is never read as a
#: subject of the entries.
ORGANIZATIONS_ON_THEIR_FACE = True
#: A question the entries do not answer that introduces an organization by name ("a ministry
#: called 'rahab's daughters'") is about it: its card, or "I don't know it" and /report.
INTRODUCED_NAMES = True
#: ... and so is one the member would give to, work with, or asks an opinion of ("i was gonna
#: give like $50 to X rn, is that a bad idea", "need honest opinion on X").
INVOLVED_NAMES = True
#: ... of at most this many words: longer, it is what they would give to ("posts about kids
#: being taken from parking lots"), not a name.
INVOLVED_NAME_WORDS = 5


# Words that ask for a judgement of an organization, wherever its name is in the question ("has
# ACLU done anything bad", "how is DecrimNY rated", "i keep seeing OUR on insta, legit?").
_JUDGING = re.compile(
    r"\b(?:legit|legitimate|trust|trusted|trustworthy|reputable|reliable|rated|rating|ratings|"
    r"donate|donating|donation|donations|give (?:money|to)|"
    r"support (?:them|it|decrim\w*|sex work\w*|sws?)|scam|scammy|shady|"
    r"sketchy|problematic|harmful|good ones?|bad ones?|good or bad|thoughts|opinions?|take on|"
    r"good (?:org|orgs|organi[sz]ation|charity|group|cause|nonprofit|source)|"
    r"know anything about|heard of|tell me about|anti[- ]?sex[- ]?work\w*|pro[- ]?sex[- ]?work\w*|"
    r"done anything (?:bad|wrong|shady)|help people|worth supporting|stance|stand on|position on|"
    # "volunteering at X this summer, good idea?", "X seems sus", "whats X's reputation like".
    r"good idea|bad idea|sus|suss|reputation|rep|think (?:of|about)|fill me in|"
    r"know anything|safe to (?:go|work|volunteer|donate|give)|red flags?|great|amazing|"
    r"awesome|terrible|awful|horrible|"
    r"(?:help|hurt|harm)\w* (?:people|victims|survivors|anyone|sex workers|sws?|kids|children|"
    r"trafficking victims)|heard (?:\w+ )?(?:stuff|things)|(?:real|whole|full) story|"
    r"(?:anything|something) (?:i|we) should know|info (?:on|about)|"
    r"information (?:on|about))\b"
)


def judges_an_organization(question: str) -> bool:
    """Whether ``question`` asks for a judgement an organization's card gives ("is X legit",
    "how is X rated"), whatever its shape: then an organization it names is its subject."""
    return _JUDGING.search(fold_for_search(question)) is not None


def mentioned_subject(
    question: str, mentioned: Callable[[str], str | None], answered: bool = False
) -> str | None:
    """The organization a question asks about: :func:`org_subject`, or else, when it asks for
    a judgement (:func:`judges_an_organization`) or is nothing but a name ("ACLU?"), the one
    organization whose name or alias it says word for word (``mentioned``, an index's
    :meth:`~bot.orgs.index.OrgIndex.mentioned`), or else, when the entries do not answer the
    question (``answered`` false), a name the member introduces (:func:`introduced_name`)."""
    subject = org_subject(question)
    if not MENTIONED_ORGANIZATIONS:
        return subject
    if subject is None and not answered and INTRODUCED_NAMES:
        subject = introduced_name(question)
    if subject is not None:
        # "has ACLU done anything" read as the name: the organization it says, if any, when
        # only the asker's words are around it ("ncmec numbers" stays a subject of the entries).
        inner = mentioned(question)
        if inner is not None and (
            _mentioned_alone(subject, inner)
            or _cut_from(subject, inner)
            or _in_a_sentence(subject, inner)
        ):
            return inner
        return subject
    name = mentioned(question)
    if name is None or _about_its_topic(question, name):
        return None
    # "ACLU?", "what is rate that rescue": nothing but the name.
    bare = _ASKS_WHAT.sub("", _TRAILING.sub("", fold_for_search(question).strip()))
    alone = _ARTICLE.sub("", bare.strip(" \"'“”")) == _ARTICLE.sub("", fold_for_search(name))
    # A shape whose X was too long to read as a name ("what do you know about The Problem With
    # Forced Rescue and Detention ...") still asks about the organization it names.
    return name if alone or judges_an_organization(question) or _shaped(question, name) else None


def introduced_name(question: str) -> str | None:
    """The name of an organization a member introduces ("our church started a ministry called
    'rahab's daughters'", "a group named Exodus Road that ..."), or one they would give to,
    work with or ask about ("i was gonna give $50 to X rn", "need honest opinion on X"), or
    None; not in a claim check ("a charity called X says 300,000 kids ... is that true"), which
    is about the claim."""
    words = tokenize(question)
    if not _FIGURE_CLAIM.isdisjoint(words) or any(w.isdigit() and len(w) >= 4 for w in words):
        return None  # "a charity called X says 300,000 kids...": the claim is the subject
    folded = fold_for_search(question)
    match = _CALLED.search(folded)
    if match is not None:
        return _name_in(match.group("quoted") or _first_clause(match.group("plain")))
    if not INVOLVED_NAMES or not judges_an_organization(question):
        return None  # "my dad works for ICE, whats his job like": no judgement asked
    for pattern in (_INVOLVED, _ASKED_ABOUT):
        for match in pattern.finditer(folded):
            name = _first_clause(match.group("x") or match.group("y"))
            words_of_name = name.split()
            if (
                _OWNED.match(name)
                or len(words_of_name) > INVOLVED_NAME_WORDS
                or not _SENTENCE_WORDS.isdisjoint(words_of_name)
            ):
                continue  # "our church", "keeps celebrating arrests": not a name
            if (found := _name_in(name)) is not None:
                return found
    return None


def _first_clause(text: str) -> str:
    """``text`` up to the first word that starts a clause or says when ("X this summer")."""
    return _CLAUSE.split(text, maxsplit=1)[0]


def _in_a_sentence(subject: str, name: str) -> bool:
    """Whether ``subject`` holds ``name`` inside words of a sentence, not of a longer name ("i
    keep seeing ads for aclu everywhere" holds ACLU; "swop behind bars" is a name)."""
    folded, name = fold_for_search(subject), fold_for_search(name)
    at = folded.find(name)
    if at < 0:
        return False
    rest = f"{folded[:at]} {folded[at + len(name) :]}".split()
    return not _SENTENCE_WORDS.isdisjoint(rest)


def _cut_from(subject: str, name: str) -> bool:
    """Whether ``subject`` is a piece of the longer ``name`` that a question shape cut off
    ("rate that rescue" read as "rate" + "that rescue")."""
    folded, name = fold_for_search(subject), fold_for_search(name)
    return folded != name and folded in name


def _mentioned_alone(subject: str, name: str) -> bool:
    """Whether ``subject`` is ``name`` with only asker's words around it, not a longer name
    holding it ("swop behind bars" holds "swop")."""
    folded, name = fold_for_search(subject), fold_for_search(name)
    at = folded.find(name)
    if at < 0:
        return False
    # "naptip in nigeria", "butterfly (the sw group)": where it works, or an aside.
    after = _PLACE.sub(" ", folded[at + len(name) :])
    rest = _PARENTHESES.sub(" ", f"{folded[:at]} {after}").split()
    return all(not word.isalpha() or word in _ASIDE_WORDS for word in rest)


def _about_its_topic(question: str, name: str) -> bool:
    """Whether the question asks about the organization's figures or claims ("the NCMEC data
    as proof"), which the entries answer, rather than the organization."""
    folded = fold_for_search(question)
    at = folded.find(fold_for_search(name))
    # "the missing kids center's reports": the word after the name and its possessive.
    after = _POSSESSIVE_START.sub("", folded[at + len(name) :]).split()[:1] if at >= 0 else []
    return names_a_topic(" ".join(after))


def org_subject(question: str) -> str | None:
    """The organization a question asks about ("is X legit?" -> "X"), or None.

    Only the shape of the question is read here; whether X is an organization is for the
    ``/rate`` matcher to say (and :func:`decide` weighs an X that :func:`names_a_topic`). A
    message of several sentences is read whole first, then sentence by sentence.
    """
    for candidate in _readings(question):
        subject = _subject_of(candidate)
        if subject is not None:
            return subject
    return None


def _readings(question: str) -> list[str]:
    """The message whole, then each of its sentences if it has several."""
    text = _TRAILING.sub("", " ".join(fold_for_search(question).split()))
    sentences = [_TRAILING.sub("", part) for part in _SENTENCE_END.split(text)]
    return [text, *sentences] if len(sentences) > 1 else [text]


def _shaped(question: str, name: str) -> bool:
    """Whether the question has an organization question's shape whose X holds ``name``,
    however long that X is."""
    folded = fold_for_search(name)
    for text in _readings(question):
        text = _OPENERS.sub("", text)
        for pattern in _PATTERNS:
            match = pattern.match(text)
            if match is not None and folded in match.group("x"):
                return True
    return False


def _subject_of(text: str) -> str | None:
    # Openers before the question proper, possibly several ("wait so is X legit").
    text = _OPENERS.sub("", text)
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match is None:
            continue
        # "donate to unicef for anti trafficking stuff": the name, then why they ask. Only
        # where the name ends the question; in "is X good" the tail after it is read already.
        cut = _PURPOSE.search(match.group("x")) if match.end("x") == len(text) else None
        if cut:
            name = _name_in(match.group("x")[: cut.start()])
            if name is not None:
                return name
        return _name_in(match.group("x"))
    return None


def _name_in(text: str) -> str | None:
    """``text`` as an organization's name, or None when it cannot be one."""
    subject = _TRAILING.sub("", text).strip(" \"'“”")
    address = _WEB_ADDRESS.match(subject)
    if address is not None:
        subject = address.group("site")  # "ourrescue.org": the matcher knows "ourrescue"
    subject = _ARTICLE.sub("", subject) if not subject.startswith("the new ") else subject
    # The name's shape is judged without an aside in parentheses ("gems (girls educational and
    # mentoring services)"); the matcher gets it whole, as some names hold one.
    bare = _PARENTHESES.sub("", subject)
    words = bare.split()
    if not words or len(words) > MAX_NAME_WORDS or _NO_NAME.match(bare):
        return None
    if "?" in subject or "!" in subject:
        return None  # "anyone read revolting prostitutes? is it": two sentences, read apart
    if " or " in f" {bare} " or (" and " in f" {bare} " and len(words) > 4):
        return None  # "a food bank or an animal shelter": two things, not one name
    if _DESCRIPTION.match(text.strip(" \"'“”")):
        return None  # "a charity that treats tip line calls as victims": a kind, not a name
    if _THEIRS.match(subject):
        return None  # "my local shelter": the asker's own, not a name
    return subject


def is_an_organization(question: str, subject: str) -> bool:
    """Whether ``subject`` is an organization on its face: its name has an organization's form
    ("... Foundation", "... International") or the question calls it one ("a good charity")."""
    return (
        _ORG_FORM.search(fold_for_search(subject)) is not None
        or _NAME_CODE.search(subject) is not None
        or _CALLED_AN_ORG.search(fold_for_search(question)) is not None
    )


def names_a_topic(subject: str) -> bool:
    """Whether ``subject`` names one of the knowledge base's subjects ("ncmec numbers",
    "the nordic model") rather than, on its face, an organization."""
    return _TOPIC_WORDS.search(subject) is not None


def _exactly_named(subject: str, match: OrgMatch) -> bool:
    """Whether the match is the organization whose name or alias ``subject`` is, as typed."""
    if match.best is None:
        return False
    typed = _NOT_ALNUM.sub("", subject.casefold())
    return typed == _NOT_ALNUM.sub("", fold_for_search(match.best.matched))


class RouteKind(StrEnum):
    """The kinds of reply to a question."""

    ENTRY = "entry"  # a knowledge entry answers it (perhaps with a hedge)
    ORG = "org"  # an organization's rating card
    ORG_CHOICE = "org-choice"  # several organizations fit the name: the asker picks
    UNKNOWN_ORG = "unknown-org"  # an organization we have no card for: say so, offer /report
    NONE = "none"  # no answer


@dataclass(frozen=True)
class Route:
    """The decision for one question."""

    kind: RouteKind
    answer: Answer
    subject: str | None = None  # the organization name asked about, as typed
    orgs: list[Candidate] = field(default_factory=list)  # the match first, or the choices


def decide(
    answer: Answer,
    subject: str | None,
    match: OrgMatch | None,
    subject_answer: Answer | None = None,
    question: str | None = None,
) -> Route:
    """Combine the knowledge answer with the organization lookup of ``subject`` (if any).

    An organization question about a known organization gets its card, even if some entry
    mentions it: the card is the evidence. An unknown name gets "I don't know it", unless the
    name alone (``subject_answer``) is surely answered, by the entry that answers the whole
    question or when the whole question gets no sure answer ("is fosta good" is about a law,
    not an organization): an entry that only answers the framing ("is X a good org") says
    nothing about X. An X that is an organization on its face (:func:`is_an_organization`,
    judged when ``question`` is given) is never taken for a subject of the entries: "the
    National Center on Sexual Exploitation" is not NCMEC, whatever words they share.
    """
    organization = (
        ORGANIZATIONS_ON_THEIR_FACE
        and subject is not None
        and question is not None
        and is_an_organization(question, subject)
    )
    if subject is not None and match is not None and names_a_topic(subject) and not organization:
        if match.outcome is Outcome.MATCH and _exactly_named(subject, match):
            return Route(RouteKind.ORG, answer, subject, list(match.candidates))
        subject = None  # "are ncmec numbers reliable": about a subject of the entries
    if subject is not None and match is not None:
        if match.outcome is Outcome.MATCH and match.best is not None:
            return Route(RouteKind.ORG, answer, subject, list(match.candidates))
        if match.outcome is Outcome.AMBIGUOUS:
            return Route(RouteKind.ORG_CHOICE, answer, subject, list(match.candidates))
        # The name alone surely answered: a subject of the knowledge base, not an organization.
        if subject_answer is not None and subject_answer.best is not None and not organization:
            best, alone = answer.best, subject_answer.best
            same = best is not None and (best.kind, best.id) == (alone.kind, alone.id)
            if not subject_answer.hedged and (best is None or answer.hedged or same):
                return Route(RouteKind.ENTRY, subject_answer, subject)
            if not subject_answer.hedged and SURE_WHOLE_OVER_SUBJECT and best is not None:
                # Both surely answered, differently ("is the nordic model good for sex
                # workers"): a knowledge subject, and the whole question says more about it.
                return Route(RouteKind.ENTRY, answer)
        return Route(RouteKind.UNKNOWN_ORG, answer, subject, list(match.candidates))
    if answer.best is not None:
        return Route(RouteKind.ENTRY, answer)
    return Route(RouteKind.NONE, answer)
