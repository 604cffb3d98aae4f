"""The words of organization questions: the shapes ("is X legit", "thoughts on X") and the word
lists that :mod:`bot.knowledge.org_questions` reads a question with, as data.

Written from how members ask about organizations (see ``tests/data/ask_org_wordings.toml``), not
from one question's wording; each list says what it is for.
"""

from __future__ import annotations

import re

# What members call an organization ("a good charity", "a group called X", "an org that ...").
KIND = r"org|orgs|organi[sz]ation|charity|nonprofit|non profit|ngo|group"
# Words that, after "is X good", say what X is ("a good charity", "good on sex work").
TAIL = (
    rf"(?:\s+(?:{KIND}|cause|one|"
    r"place to (?:donate|give|volunteer|send money|work|intern)(?: to| for| with| at)?|"
    r"to (?:donate|give|support|work|volunteer|call|contact|use)(?: to| for| with)?|"
    # "legit or just pr", "legit or just for show": a doubt about X.
    r"or just .{1,30}|"
    r"on .{1,40}|for .{1,40}|at .{1,40}|with .{1,40}|or not|at all|or a scam|or what|or bad|"
    # "a good source", "a good read": what else X may be.
    r"source|resource|book|read|site|website|account|page|podcast|"
    # "is unicef good to donate to if i want to help kids overseas": why they ask.
    r"(?:if|because|bc|cuz|since|when|before|after) .{1,60}|"
    r"or (?:nah|naw|no|nope|naur|sketchy|shady|harmful|bad|not|legit|good|sus)|"
    # "is X legit or are they part of the problem": a second question about X.
    r"or (?:is|are|was|were|do|does|did|should|would|can|will) .{1,60}|"
    r"tho|though|really)"
    # "is swop slc any good, i just moved to utah": an aside after the question.
    r"|,\s*[^,?!]{1,60})*"
)
GOOD = (
    r"(?:(?:a |an |any |actually |really |even |still )*"
    r"(?:good|legit|legitimate|trustworthy|trusted|reliable|reputable|safe|ok|okay|fine|"
    r"bad|shady|sketchy|sus|problematic|harmful|a scam|scam|scammy|real|worth it|decent|"
    r"helpful|useful|effective|ethical|credible|"
    r"worth (?:supporting|donating to|giving to|(?:volunteering|working) (?:with|at|for))|"
    r"(?:a )?(?:good|safe|trustworthy) (?:bet|choice)))"
)
# Who a member asks ("anyone heard of X", "do u know anything about X").
ANYONE = r"(?:any ?one|any ?body|u|you|y'?all|ppl|people)"
PATTERNS = [
    # "decrim ny - should i donate", "rate that rescue - trustworthy?": the name, then the ask.
    re.compile(
        rf"^(?P<x>[^-–—:]+?)\s*[-–—:]+\s*(?:(?:is|are)\s+(?:it|they)\s+)?(?:{GOOD}{TAIL}|"
        r"(?:should|can|could|would)\s+(?:i|we)\s+(?:donate|give|trust|support|volunteer)\b.*|"
        r"thoughts|opinions?|any good|worth it)$"
    ),
    re.compile(rf"^(?:is|are|was|r)\s+(?P<x>.+?)\s+{GOOD}{TAIL}$"),
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
        rf"^(?:do|does)\s+{ANYONE}\s+know\s+(?!(?:anything|something|much|about|abt|of|if|"
        r"whether|what|how|who|why|where|when)\b)(?P<x>[^,?!]+)$"
    ),
    re.compile(
        r"^(?:(?:can|could|would)\s+(?:u|you)\s+)?(?:check|look up|vet|rate)\s+(?P<x>[^,?!]+?)"
        r"\s+for\s+(?:me|us)\b.*$"
    ),
    # "pls tell me X isnt a scam".
    re.compile(
        r"^(?:pls\s+|please\s+)?tell me\s+(?P<x>.+?)\s+(?:is|isnt|isn't|is not|are|arent|aren't)\s+"
        + GOOD
        + r"\b.*$"
    ),
    # "anyone heard of destiny rescue", "has anybody worked with swop".
    re.compile(
        rf"^(?:(?:has|have|did|does)\s+)?{ANYONE}\s+"
        r"(?:ever\s+)?(?:heard of|hear of|know about|familiar with|worked with|work with|"
        r"donated to|donate to|volunteered (?:with|at|for)|read|follow|used)\s+(?P<x>[^?!]+)$"
    ),
    re.compile(r"^(?:ever heard of|heard of|familiar with)\s+(?P<x>.+)$"),
    re.compile(
        rf"^(?:(?:does|do)\s+)?{ANYONE}\s+know\s+"
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
        r"[^,?.!]+[,?.!]*\s+(?:are|is)\s+(?:they|it|that)\s+" + GOOD + r"\W*$"
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
        rf"^(?P<x>[^,?.!:]+)[,:]+\s*(?:(?:what|wat)\s+(?:do|does)\s+{ANYONE}\s+"
        r"(?:know|think|say)\s+(?:about|of|abt)\s+(?:them|it|they)|"
        rf"(?:are|is)\s+(?:they|it|them)\s+{GOOD}|"
        rf"(?:(?:does|do)\s+)?{ANYONE}\s+knows?\s+(?:if|whether)\s+(?:they|it|theyre|its)"
        rf"(?:'re|\s+are|'s|\s+is)?\s+{GOOD}|"
        r"(?:can|should|could)\s+(?:i|we|you)\s+(?:really\s+)?(?:trust|donate to|give to|support)"
        r"\s+(?:them|it))\b.*$"
    ),
    re.compile(
        r"^(?:how|hows)\s+(?:good|legit|trustworthy|reliable|safe)\s+(?:is|are)\s+(?P<x>.+)$"
    ),
    re.compile(rf"^(?P<x>.+?)\s+(?:(?:is|are|seems?|looks?|sounds?|feels?)\s+)?{GOOD}{TAIL}$"),
]
# Shapes that ask about an organization only when X is a known one's name ("what's survivor
# alliance like", "what about decrimny") or one on its face ("what about love146"): with another
# X they ask about anything ("whats the weather like").
KNOWN_NAME_PATTERNS = [
    re.compile(
        r"^(?:what'?s|whats|what is|what are|how'?s|hows|how is|how are)\s+(?P<x>.+?)\s+like$"
    ),
    re.compile(r"^(?:what|how|and)\s+about\s+(?P<x>.+)$"),
]
# X that is no name at all: a pronoun or a placeholder.
NO_NAME = re.compile(
    r"^(?:it|this|that|they|them|these|those|he|she|you|u|i|we|there|here|one|ok|everything|"
    r"your|ur|my|his|her|their|its|people|ppl|everyone|what|which|who|"
    r"anything|something)$"
)
# X that names one of the knowledge base's own subjects ("are ncmec numbers reliable", "is the
# nordic model good"): the entries answer it, unless X is exactly an organization's name or
# alias ("decrim ny").
TOPIC_WORDS = re.compile(
    r"\b(?:numbers?|stats?|statistics?|figures?|data|claims?|study|studies|report|reports|"
    r"research|model|law|laws|act|bill|policy|approach|idea|list|lists|training|campaign|"
    r"movie|film|article|post|sign|signs|decrim\w*|legali[sz]\w*|sex work|criteri\w*|myth|"
    r"term|theory|narrative|story|stories|stuff|thing|things|method|system|raids?|"
    r"stings?|therapy|housing|aftercare)\b"
)
OPENERS = re.compile(
    r"^(?:(?:so|ok|okay|hey|hi|yo|um|hmm|wait|lol|honestly|ngl|genuinely|real talk|lowkey|"
    r"kinda|sorta|"
    r"(?:hey |hi |yo |ok |okay )?(?:bot|vetbot)|tbh|idk|fr|"
    r"(?:ok so |so )?(?:random|quick|dumb|honest) (?:question|q)(?: but)?|question|sorry|also|"
    r"and|but|(?:just )?(?:curious|wondering)(?: if| whether)?|(?:what|how) about|"
    r"(?:does |do )?(?:any ?one|any ?body|you guys|y'?all|u) (?:know|knows) (?:if|whether))"
    r"[\s,:]+)+"
)
ARTICLE = re.compile(r"^(?:the|a|an|this|that)\s+")
# "a charity that ...", "any org who ...": a kind of organization described, not one named.
DESCRIPTION = re.compile(
    r"^(?:a|an|any|some|every|which|what|orgs?|charities|groups)\s+(?:\w+\s+){0,2}"
    rf"(?:{KIND}|organi[sz]ations|charities|nonprofits|ngos|groups|programs?|shelters?)\b"
    r"(?:\s+(?:that|which|who|where|whose|when|with|run)\b|$)"
)
TRAILING = re.compile(r"[\s?!.,:;]+$")
# Where one sentence of a message ends and the next begins ("is OUR legit? my pastor loves them").
SENTENCE_END = re.compile(r"(?<=[?!.])\s+")
# What a member adds after the name: why they ask ("donate to unicef for anti trafficking stuff").
# Names may hold "for" ("Center for ..."), but not "for" followed by the asker's own words.
PURPOSE = re.compile(
    r"\s+(?:because|bc|cuz|cause|since|if|when|after|so that|so)\s"
    # "the fbi and trafficking", "amnesty on sex work": the subject they ask it about.
    r"|\s+(?:and|on|re|regarding|about|with)\s+(?=(?:anti[- ]?)?(?:human |sex |child )?"
    r"(?:trafficking|sex work|sw\b|decrim))"
    r"|\s+for\s+(?=(?:.*\s)?(?:my|our|me|us|i|we|you|your|this|that|some|stuff|things?|anti)\b)"
)
# "butterfly (the sw group)", "gems (girls educational and mentoring services)": an aside.
PARENTHESES = re.compile(r"\s*\([^)]*\)?")
# "ourrescue.org", "https://www.hrw.org/news": a site names the organization behind it.
WEB_ADDRESS = re.compile(
    r"^(?:https?://)?(?:www\.)?(?P<site>[a-z0-9][a-z0-9-]*)\.(?:org|com|net|ngo|info|us|uk|"
    r"co|io|ca|au|eu)(?:[./]\S*)?$"
)
# What members put around a name that is not part of it ("has X done anything", "X pls").
ASIDE = """
    has have had did does do done is are was were anything something bad good pls please plz rn
    tho though really actually even ever lately now the a an they them it its legit ok okay info any
    uk us usa nyc la chapter branch anti trafficking ops operations work efforts stuff side team
"""
# "the anti-trafficking review journal": what kind of organization it is.
KIND_WORDS = """
    org organization organisation charity nonprofit ngo group ministry journal magazine site
    website page account people folks guys blog podcast newsletter channel
"""
ASIDE_WORDS = frozenset(ASIDE.split()) | frozenset(KIND_WORDS.split())
# "us church group", "this local charity": what an organization is, said instead of its name.
DESCRIBED = frozenset(KIND_WORDS.split()) | {"church", "charities", "orgs", "groups"}
# "a ministry called 'rahab's daughters'": a name the member introduces, quoted or up to the
# clause that says what it does.
CALLED = re.compile(
    rf"\b(?:{KIND}|ministry|program|programme|outreach|church|campaign|company|shelter|"
    r"foundation|initiative|project|page|account)\s+(?:called|named)\s+"
    r"(?:['\"“](?P<quoted>.+?)['\"”](?=[\s,.!?;:]|$)|(?P<plain>[^,.!?;:'\"“”]+))"
)
CLAUSE = re.compile(
    r"\s+(?:that|which|who|where|and|but|or|is|are|was|were|has|have|does|do|they|it|in|on|at|"
    r"for|with|so|because|bc|cuz|if|when|before|after|this|next|last|rn|tbh|ngl|lol|pls|"
    r"please|everywhere|anymore|yet|first|too|also|though|tho)\b"
)
# "destiny rescue keeps showing up in my ads": a name, then what it does in the asker's sentence.
NAME_THEN_VERB = re.compile(
    r"^(?P<name>[^,]+?)\s+(?:keeps?|kept|(?:showing|shows|popping|pops|turning|turns)\s+up)\b"
)
# "i was gonna give like $50 to X", "volunteering at X this summer": an organization someone
# would give to or work with.
INVOLVED = re.compile(
    r"\b(?:(?:donat\w*|giv(?:e|ing|ng)|send(?:ing)?)\s+"
    r"(?:(?:like\s+|about\s+)?\$?\d+\s+(?:bucks\s+|dollars\s+)?|(?:some\s+)?money\s+)?"
    r"(?:to|for)|(?:volunteer\w*|intern\w*|sign(?:ed|ing)?\s+up)\s+(?:at|with|for)|"
    r"(?:works?|worked|working)\s+(?:at|for)|(?:fundrais\w*|a\s+(?:charity|fun)\s+run)\s+for|"
    r"rais(?:e|es|ed|ing)\s+(?:money|funds)\s+for|"
    r"(?:run\w*|walk\w*|doing|did)\s+(?:a|the|in\s+a)\s+(?:5k|10k|half\s+marathon|marathon|"
    r"race|walk|run)\s+for|"
    r"referred\s+(?:me|us|her|him|them)\s+to|"
    r"(?:support|supports|supporting|sponsor|sponsors|sponsoring))\s+"
    r"(?P<x>[^,?!.;:'\"“”]+)"
)
# "a 5k for X": a race's length, not a figure the question checks.
RACE_LENGTH = re.compile(r"\b\d+k\b")
# "need honest opinion on X", "heard some sketchy stuff about X", "idk much about X".
ASKED_ABOUT = re.compile(
    r"\b(?:opinions?|thoughts|takes?|info|information|stuff|things|rumou?rs|reviews?|"
    r"experiences?|(?:know|knows|idk)\s+(?:much|anything|something|a lot)|posting|posts|"
    r"talking|reading|heard)\s+(?:on|about|of|with|abt)\s+(?P<x>[^,?!.;:]+)"
    # "i dont trust X but ...", "would u recommend X".
    r"|\b(?:trust|rec+om+end)\s+(?P<y>[^,?!.;:]+)"
)
# "my local shelter": the asker's own place, not a name ("our" is OUR too: see OWNED).
_THEIRS = r"my|your|ur|his|her|their|some|local|the local"
THEIRS = re.compile(rf"^(?:{_THEIRS})\s")
# ... and, where the name is only guessed from "give to X", "our church" and "a shelter" too.
OWNED = re.compile(rf"^(?:our|a|an|any|{_THEIRS})\s")
POSSESSIVE_START = re.compile(r"^'s?\b")
# Words of a sentence around a name, never of a name ("i keep seeing ads for X everywhere").
SENTENCE = """
    i im i'm my me you u your ur they them he she we is are was were be been do does did have
    has had will would should could can see seeing saw keep keeps heard hear everywhere ads
    posts videos dont don't know whats what's
"""
SENTENCE_WORDS = frozenset(SENTENCE.split())
# "a friend recommended X", "thinking of giving to X": words after which a name is their object.
OBJECT_LEAD = """
    to for with at about from of by on called named recommended recommends found follow follows
    followed support supports supported sponsor sponsors sponsored joined join like likes love
    loves trust trusts
"""
OBJECT_LEADS = frozenset(OBJECT_LEAD.split())
# "X on twitter", "X as a company", "X, the sw group": words after which a name has ended.
NAME_END = "on in as from via over there here lately rn now stance position record reputation rep"
NAME_ENDS = frozenset(NAME_END.split())
# "naptip in nigeria", "polaris from the us": where an organization is or works.
PLACE = re.compile(r"^\s+(?:(?:based\s+)?in|from|out of)\s+(?:the\s+)?\w+(?:\s+\w+)?\s*$")
# "what is X", "who are X": a question that is nothing but a name.
ASKS_WHAT = re.compile(r"^(?:(?:what|who|wat)(?:'s|s|\s+is|\s+are)|whos)\s+(?:the\s+)?")
# Words that make a name an organization's ("Shared Hope International", "... Foundation").
ORG_FORM = re.compile(
    r"\b(?:foundation|fund|center|centre|institute|international|intl|ministry|ministries|"
    r"agency|department|bureau|commission|authority|"
    r"missions?|alliance|coalition|network|project|society|association|initiative|council|"
    r"league|federation|collective|inc|llc|ngo)\b"
)
# A word of letters and digits together ("A21", "Love146"): a name, not a subject's words.
NAME_CODE = re.compile(
    r"\b(?!\d+(?:k|m|s|st|nd|rd|th|yo|yrs?)\b)(?=\w*[a-z])(?=\w*\d)\w{2,}\b", re.IGNORECASE
)
# "is X a good charity": the asker says X is an organization.
CALLED_AN_ORG = re.compile(rf"{GOOD}\s+(?:{KIND})\b")

# Words that ask for a judgement of an organization, wherever its name is in the question ("has
# ACLU done anything bad", "how is DecrimNY rated", "i keep seeing OUR on insta, legit?").
JUDGING = re.compile(
    r"\b(?:legit|legitimate|trust|trusted|trustworthy|reputable|reliable|rated|rating|ratings|"
    r"donate|donating|donation|donations|give (?:money|to)|"
    r"support (?:them|it|decrim\w*|sex work\w*|sws?)|scam|scammy|shady|"
    r"sketchy|problematic|harmful|good ones?|bad ones?|good or bad|thoughts|opinions?|take on|"
    r"good (?:org|orgs|organi[sz]ation|charity|group|cause|nonprofit|source)|"
    r"heard of|tell me about|anti[- ]?sex[- ]?work\w*|pro[- ]?sex[- ]?work\w*|"
    r"done anything (?:bad|wrong|shady)|worth supporting|stance|stand on|position on|"
    # "volunteering at X this summer, good idea?", "X seems sus", "whats X's reputation like".
    r"good idea|bad idea|sus|suss|reputation|rep|think (?:of|about)|fill me in|any good|decent|"
    # "should i be worried", "is that a real org".
    r"(?:should|do) (?:i|we) (?:be )?(?:worried|concerned|worry)|"
    r"real (?:[\w-]+ ){0,3}?(?:org|organi[sz]ation|charity|nonprofit|group|thing)|"
    # "how does X rate on trafficking", "do they have a good record on sex work".
    r"rate (?:on|with|for)|(?:good|bad|clean|solid|strong|poor|mixed|great) (?:track )?record|"
    r"(?:actually|really) helping|"
    r"know anything|safe to (?:go|work|volunteer|donate|give)|red flags?|great|amazing|"
    r"awesome|terrible|awful|horrible|helpful|useful|effective|just pr|for show|"
    # "worth volunteering with X", "X, good place to send money?", "do they do good work".
    r"worth (?:it|the money|supporting|donating|giving|volunteering|working|joining|reading|"
    r"watching|listening to|following|a read|a follow|checking out)|"
    r"good place to|(?:good|bad|real|useful|important) (?:\w+ ){0,2}work|"
    r"doing (?:any |more |real |actual )?(?:good|bad|harm|damage)|"
    r"(?:ok|okay|good|bad) (?:on|with|about) (?:sws?|sex work\w*|decrim\w*|migrants|immigrants)|"
    r"(?:should|can) (?:i|we) (?:chip in|sponsor|fund|back|join)|"
    rf"{ANYONE} know (?:about|abt|of)|any info|"
    # "does X actually help trafficking victims", "how does X treat survivors".
    r"(?:help|hurt|harm|treat)\w* (?:the )?(?:trafficking )?(?:people|victims|survivors|anyone|"
    r"sex workers|sws?|kids|children|women|girls|migrants|immigrants)|"
    r"heard (?:\w+ )?(?:stuff|things)|(?:real|whole|full) story|"
    r"(?:anything|something) (?:i|we) should know|info (?:on|about)|"
    r"information (?:on|about))\b"
)
# "is the fbi hiring", "how much does the aclu pay lawyers": a job there, not a judgement of it.
WORKING_THERE = re.compile(
    r"\b(?:hiring|hire|apply|applying|application|job|jobs|career|careers|internships?|"
    r"salary|salaries|interview|resume|cv)\b"
)
