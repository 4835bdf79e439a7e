"""The words credits are read by: one reviewable list per kind of word, in every language.

Data only. Each entry of a tuple is a regular-expression fragment (matched without case)
or, in the sets, a plain lower-case word. The modules that read credits
(``credits.parse``, ``credits.captions``, ``extract.figures``, ``extract.dom``) build
their patterns from these groups, each with its own structure (whether a colon must
follow a label, whether the label may stand alone). Adding a language's word here
teaches every one of them.
"""

from __future__ import annotations

# --- Labels ---------------------------------------------------------------------------

# Labels that only say "this is the credit": taken off, they leave the credit itself.
GENERIC_LABELS: tuple[str, ...] = (
    r"(?:staff\s+|file\s+)?photo(?:graph)?s?\s*credits?",
    r"image\s*credits?",
    r"picture\s*credits?",
    r"photo(?:graph)?s?",
    r"photographer",
    r"pictures?",
    r"(?:file\s+)?pics?",
    r"images?\s*source",
    r"images?",
    r"credits?",
    r"sources?",
    r"cr[ée]dits?\s*(?:photos?)?",  # French "Crédit photo"
    r"photos?\s*cr[ée]dits?",
    r"mandatory\s+credit",
    r"copyright",
    r"(?:foto|bild)\s*credits?",  # German "Fotocredit:", "Bildcredit:"
    r"fotos?",  # German, Spanish, Italian, Dutch, Portuguese, …
    r"fotó",  # Hungarian
    r"fotoğraf",  # Turkish
    r"fotograf[íi]as?",  # Spanish
    r"fotografie",  # German, Czech, Dutch
    r"fot[óo]graf[oa]s?",  # Spanish and Portuguese "fotógrafo"
    r"bild(?:er)?",  # German
    r"bildquelle",
    r"quelle",
    r"fuente",  # Spanish "source"
    r"zdj[eę]cie",  # Polish
    r"fot\.",  # Polish "Fot."
    r"dok\.",  # Polish "Dok." (document, archive)
    r"фото",  # Russian, Ukrainian
    r"kuva",  # Finnish
    r"billede",  # Danish
    r"afbeelding",  # Dutch
    r"φωτογραφία",  # Greek
)
# More generic labels, measured against the labelled captions before they joined the list
# above: in a caption they open a credit as often as not.
MORE_GENERIC_LABELS: tuple[str, ...] = (
    r"fotograf(?:in)?",  # German, Scandinavian
    r"φωτο",  # Greek
    r"写真",  # Japanese
    r"사진",  # Korean
    r"imagen(?:es)?",  # Spanish
    r"photos?\s+by",  # "Photo by: X"
)
# Labels the credit parser takes off a credit but a caption does not split at: inside a
# caption they begin a sentence or a licence's wording ("Author: …" heads an essay,
# "X, Attribution, via Wikimedia Commons").
PARSER_GENERIC_LABELS: tuple[str, ...] = (r"author", r"attribution")
# Labels that say what kind of picture it is; a caption's credit keeps them ("Illustration:
# Jane Doe" is printed so), the credit parser reads past them.
KIND_LABELS: tuple[str, ...] = (
    r"illustrations?",
    r"ilustraci[óo]n",  # Spanish
    r"illustrazione",  # Italian
    r"graphics?",
    r"grafik",  # German
    r"grafika",  # Polish
    r"infographics?",
    r"infograf[íi]as?",  # Spanish
    r"infografik",  # German
    r"artwork",
    r"composite",
    r"chart",
    r"map",
    r"drawing",
    r"still",
    r"video\s+stills?",
    r"footage",
    r"video",
    r"satellite\s+images?",
    r"screen\s*(?:shot|grab|capture)s?",
    r"bildschirmfoto",  # German
    r"capture\s+d['’]\s*[ée]cran",  # French
)
# Kind labels that a caption's credit nonetheless drops like a generic label (measured on
# the labelled pages: publishers print "Illustration: Name" where the name is the credit).
CAPTION_DROPPED_KIND_LABELS: tuple[str, ...] = (
    r"illustrations?",
    r"infographics?",
    r"infograf[íi]as?",
    r"grafik",
    r"grafika",
)
# Where the picture sits in a group: "Left: X; right: Y", "Clockwise from top left: …".
POSITION_LABELS: tuple[str, ...] = (
    r"(?:clockwise\s+)?from\s+(?:top\s+|bottom\s+)?(?:left|right)",
    r"(?:top|bottom|far)\s+(?:left|right)",
    r"left\s+and\s+right",
    r"top\s+and\s+bottom",
    r"left",
    r"right",
    r"top",
    r"bottom",
    r"above",
    r"below",
    r"inset",
    r"centre",
    r"center",
    r"main\s+(?:image|photo|picture)",
    r"background",
    r"l(?=\s*:)",  # "L: X / R: Y", left and right, only before a colon
    r"r(?=\s*:)",
)
# Labels printed without a colon, the credit right after them: "Fot. PAP/X".
UNPUNCTUATED_LABELS: tuple[str, ...] = (r"fot\.", r"capture\s+d['’]\s*[ée]cran")
# How a label is cut from its credit.
LABEL_SEPARATORS: tuple[str, ...] = (r":", r"：", r"＝", r"=", r"…", r"\.\.\.", r",")
# Labels in brackets at the end of a caption: "(Fot. materiały prasowe)", "(Photo: X)".
BRACKET_LABELS: tuple[str, ...] = (
    r"photo(?:graph)?",
    r"foto",
    r"fot\.",
    r"picture",
    r"pic",
    r"image",
    r"bild",
    r"grafika?",
    r"graphic",
    r"illustration",
    r"cr[ée]dit",
    r"source",
    r"quelle",
    r"fuente",
    r"dok\.",
)
# Labels that mark a credit only when a short credit-like text follows ("Source: the
# ministry's figures for 2023" is a sentence). Word beginnings, lower case.
WEAK_LABELS: tuple[str, ...] = ("source", "quelle", "fuente", "copyright", "image", "illustration")
# "Photo by X", "Image by X": a label before the maker, dropped from a caption's credit.
MADE_BY_LABELS: tuple[str, ...] = (r"photo(?:graph)?(?:s|ed)?", r"images?", r"fotos?")
# "Picture by X" is kept in a caption's credit as printed (British papers print it as
# part of the credit line), but it too marks a credit and is read past in credit elements.
PICTURE_BY_LABELS: tuple[str, ...] = (r"pictures?",)
# Labels that open a credit element on their own, before the colon ("Photo: X",
# "Credits: X"); a bare "Image:" introduces a caption as often, so it is not here.
CREDIT_START_LABELS: tuple[str, ...] = (
    r"photo(?:graph)?s?\s*(?:credits?)?",
    r"images?",
    r"(?:file\s+)?pics?",
    r"credits?",
    r"fotos?",
    r"bild",
    r"cr[ée]dits?\s*(?:photos?)?",
    r"illustration",
    r"source",
    r"quelle",
)
# Labels of a credit printed once for all the pictures of an article ("Photos: Jane Doe",
# "(Image credits: A; B)", "Bildnachweis: …", "… images by Jane Doe"): plural, or naming
# the credits of the pictures as a whole. Before a colon or "by"/"von".
BLANKET_LABELS: tuple[str, ...] = (
    r"photo(?:graph)?s",
    r"images",
    r"pictures",
    r"(?:photo|image|picture)\s*credits?",
    r"fotos",
    r"bilder",
    r"bild\s*credits?",
    r"bildnachweise?",
    r"bildquellen?",
    r"fotonachweis",
    r"cr[ée]dits?\s+photos?",
)
# Multi-word labels that mark a credit without a colon: the screen-reader and printed
# labels of image credits in other languages.
CREDIT_PHRASES: tuple[str, ...] = (
    "image source",
    "fuente de la imagen",  # Spanish
    "fonte da imagem",  # Portuguese
    "crédito da imagem",  # Portuguese
    "source de l'image",  # French
    "source de l’image",
    "bildquelle",  # German
)
# Labels that introduce a caption, not a credit.
CAPTION_PHRASES: tuple[str, ...] = (
    "image caption",
    "pie de foto",  # Spanish
    "legenda da foto",  # Portuguese
    "légende",  # French
    "légende de l'image",
    "légende de l’image",
    "bildunterschrift",  # German
)
# An element that holds only one of these words is a credit label ("<span>Credit</span>").
LABEL_ELEMENT_WORDS: tuple[str, ...] = (
    r"(?:(?:photo|image|picture)\s*)?(?:credits?|source)",
    r"photo(?:graph)?",
    r"foto",
    r"bild",
    r"quelle",
    r"cr[ée]dits?(?:\s*photo)?",
    r"fuente",
    r"copyright",
)
# Word stems that make a short screen-reader label a credit label ("Photo credit, ").
CREDIT_LABEL_STEMS: tuple[str, ...] = (
    r"source",
    r"credit",
    r"cr[ée]dit",
    r"photo",
    r"foto",
    r"bild",
    r"fuente",
    r"quelle",
)

# --- How a picture was obtained ---------------------------------------------------------

# The words that mark each way of obtaining a picture, one regular expression per kind.
MARKERS: dict[str, str] = {
    "pool": r"\bpool\b",
    "handout": (
        r"\b(?:handouts?|hand\s*out|supplied|submitted|contributed|reader\s+photo|provided\s+by"
        r"|press\s+release|zvg|privat|divulga[çc][ãa]o|ufficio\s+stampa)\b"
    ),
    "screenshot": (
        r"\b(?:screen\s*(?:shot|grab|capture)s?|video\s+(?:still|grab)|stills?\s+from\s+(?:a\s+)?video"
        r"|captura\s+de\s+pantalla"
        r"|bildschirmfoto|capture\s+d['’]\s*[ée]cran)\b"
    ),
    "illustration": (
        r"\b(?:illustrat(?:ion|ed|ions)|ilustraci[óo]n|illustrazione|graphics?|infographics?"
        r"|artwork|cartoon"
        r"|rendering|collage|composite|drawing|chart|map|ai[\s-]generated|midjourney"
        r"|generated\s+(?:by|with)\s+ai|ki-generiert|stable\s+diffusion|firefly|chatgpt"
        r"|generada\s+con\s+(?:ia|inteligencia\s+artificial)|creada\s+con\s+inteligencia"
        r"|dall[\s·-]?e)\b"
    ),
    "courtesy": r"\b(?:courtesy|cortes[íi]a|aimable\s+autorisation|freundlicher\s+genehmigung)\b",
    "staff": r"\bstaff\b(?!\s+(?:sgt|sergeant)\b)|\bfor\s+(?:the\s+)?\w|\b(?:pour|für)\s+\w",
}
# Words one of which every marker above contains (lower case): most credits have none.
MARKER_NEEDLES: tuple[str, ...] = (
    "pool", "hand", "suppl", "submitted", "provided", "press", "screen", "video", "still",
    "bildschirm", "capture", "illustr", "ilustr", "graphic", "artwork", "cartoon", "render",
    "collage", "composite", "drawing", "chart", "map", "ai-", "ai ", "midjourney", "dall",
    "courtesy", "cortes", "aimable", "freundlich", "staff", "for ", "pour ", "für ",
    "contributed", "reader", "zvg", "privat", "divulga", "ufficio", "generated", "ki-",
    "diffusion", "firefly", "chatgpt",
    "generada", "creada", "captura",
)  # fmt: skip
# "Courtesy of X" and its kin: the phrase before the source of a picture.
COURTESY_PHRASES: tuple[str, ...] = (
    r"courtesy(?:\s+of)?",
    r"cortes[íi]a(?:\s+d[aeo]s?)?",
    r"avec\s+l['’]aimable\s+autorisation\s+de",
    r"mit\s+freundlicher\s+genehmigung\s+(?:von|des|der)",
    r"supplied\s+by",
    r"provided\s+by",
    r"submitted\s+by",
    r"handout\s+(?:photo\s+)?(?:by|from)",
    r"photo\s+handout\s+by",
    r"care\s+of",
)
# Labels that stay in the credit as printed (they say what the picture is) but name no one.
NAMELESS_KIND_LABELS: tuple[str, ...] = (
    r"cartoons?",
    r"photo[\s-]illustrations?",
    r"illustrations?",
    r"drawings?",
    r"renderings?",
)
# What a picture is, before "by": "Photo by X", "U.S. Army photo by X", "Bild von X".
MADE_BY_NOUNS: tuple[str, ...] = (
    r"photo(?:graph)?s?", r"images?", r"pictures?", r"illustrations?", r"drawings?",
    r"videos?", r"stills?", r"footage", r"paintings?", r"artwork", r"graphics?", r"maps?",
    r"charts?", r"animations?", r"fotos?", r"bild", r"foto", r"immagine", r"afbeelding", r"imagen",
    r"fotograf[íi]a", r"illustrazione", r"ilustraci[óo]n", r"zdj[eę]cie", r"cartoons?",
)  # fmt: skip
# "by" in the languages credits are printed in, that may open a credit before the name
# ("By Jane Roe", "Von Jane Roe", "Por Jane Roe").
LEADING_BY_WORDS: tuple[str, ...] = ("by", "von", "par", "por", "door")
# Every "by", also those that begin names and so open no credit ("de la Cruz", "Di Maio",
# "Van Dyke", "Af Klint"): after a noun ("Foto de Jane Roe", "foto di Jane Roe").
BY_WORDS: tuple[str, ...] = (*LEADING_BY_WORDS, "de", "di", "van", "av", "af")

# --- Notes that are not who made the picture -----------------------------------------

# Notes agencies add to a credit for editors.
WIRE_NOTES: tuple[str, ...] = (
    r"tpx\s+images\s+of\s+the\s+day",
    r"tpx",
    r"editorial\s+use\s+only",
    r"no\s+(?:re)?sales",
    r"no\s+archives",
    r"restricted\s+to\s+editorial\s+use",
    r"archivbild",  # German "archive picture"
    r"archivfoto",
    r"symbolbild",  # German "symbolic picture"
)
WIRE_NEEDLES: tuple[str, ...] = (
    "tpx",
    "editorial use",
    "sales",
    "archives",
    "archiv",
    "symbolbild",
)
# The copyright sign and words, before an optional year.
COPYRIGHT_MARKS: tuple[str, ...] = (
    r"©\ufe0f?",
    r"\(c\)(?=\s)",
    r"\bcopyright\b",
    r"\bcrown\s+copyright\b",
)
# Wikimedia Commons' "Own work" in other languages.
OWN_WORK_PHRASES: tuple[str, ...] = (
    r"own\s+work",
    r"eigenes\s+werk",  # German
    r"travail\s+personnel",  # French
    r"trabajo\s+propio",  # Spanish
    r"opera\s+propria",  # Italian
    r"eigen\s+werk",  # Dutch
    r"praca\s+w[łl]asna",  # Polish
    r"obra\s+pr[óo]pria",  # Portuguese
    r"eget\s+arbete",  # Swedish
)

# Words before a licence's alias that say the licence is not meant: Creative Commons'
# "Some rights reserved", "no rights reserved (CC0)".
NOT_A_LICENCE_AFTER: tuple[str, ...] = ("some", "no")

# --- People ----------------------------------------------------------------------------

# Ranks and titles before a name, taken off it ("Staff Sgt. Jane Doe", "Dr. X").
TITLES: tuple[str, ...] = (
    r"(?:navy|army|marine|air\s+force|coast\s+guard|space\s+force)(?=\s+\S+\s+\S)",
    r"(?:staff|master|technical|tech\.?|chief\s+master|senior\s+master|first|command)\s+sgt\.?",
    r"sgt\.?(?:\s+(?:1st|first)\s+class)?", r"sergeant", r"spc\.?", r"specialist", r"pfc\.?",
    r"pvt\.?", r"cpl\.?", r"corporal", r"1st\s+lt\.?", r"2nd\s+lt\.?", r"lt\.?\s*col\.?",
    r"lt\.?", r"lieutenant", r"capt\.?", r"captain", r"maj\.?", r"major", r"col\.?",
    r"colonel", r"gen\.?", r"adm\.?", r"ens\.?", r"cmdr\.?", r"cdr\.?",
    r"(?:senior\s+)?airman(?:\s+(?:1st|first|basic)\s+class)?",
    r"petty\s+officer(?:\s+(?:1st|2nd|3rd|first|second|third)\s+class)?",
    r"(?:chief\s+)?mass\s+communication\s+specialist(?:\s+(?:1st|2nd|3rd|seaman)(?:\s+class)?)?",
    r"seaman\s+(?:apprentice|recruit)", r"m?cpl\.?", r"lcpl\.?", r"pte\.?", r"bdr\.?",
    r"mc[123]", r"mcsn", r"seaman", r"lance\s+cpl\.?", r"lance\s+corporal", r"dr\.?",
    r"prof\.?", r"mr\.?", r"mrs\.?", r"ms\.?", r"sir", r"dame", r"rev\.?",
    r"(?:staff\s+)?photographer", r"photojournalist", r"contributor",
    r"(?:sergent|adjudant|caporal|capitaine|commandant|général|lieutenant)(?:-chef)?",  # French
    r"freelance(?:r|\s+photographer)?",
)  # fmt: skip
# The first words of the titles above, so that names skip the long pattern.
TITLE_WORDS = frozenset(
    """
    staff master technical tech chief senior first command sgt sergeant spc specialist pfc pvt cpl
    navy army marine air coast space mcpl lcpl pte bdr sergent sergent-chef adjudant
    adjudant-chef caporal caporal-chef capitaine commandant général
    corporal 1st 2nd lt lieutenant capt captain maj major col colonel gen adm ens cmdr cdr
    airman petty mass mc1 mc2 mc3 mcsn seaman lance dr prof mr mrs ms sir dame rev
    photographer photojournalist contributor freelance freelancer
    """.split()
)
# Words that are not names although they stand where a name would.
NOT_NAMES = frozenset(
    """
    staff stringer str stf file files handout pool photo photos image images screenshot
    screengrab still courtesy archive archives archiv illustration graphic composite
    montage supplied provided unknown anonymous creative commons photographer used and und
    et or y advertisement crown reuse this other n/a fot foto sgt dr is visit eingebunden
    embedded
    """.split()
) | {
    "staff photographer", "file photo", "screen grab", "creative commons", "public domain",
    "various sources", "own work", "photo illustration", "photo-illustration",
    "unknown author", "handout photo", "reader submitted", "pool photo", "pool image",
    "handout image", "file image", "attribution", "mandatory credit", "cropped", "archivo",
    "archive photo", "open access", "contributed", "reader photo", "stock photo",
    "midjourney", "stable diffusion", "dall-e", "chatgpt", "adobe firefly", "ki-generiert",
    "ki-generiertes bild", "privat", "divulgação", "divulgacao", "bildarchiv",
    "internacional", "internazionale", "internationaal", "international", "genérica",
    "generica", "generic", "unported", "designation", "dedication", "expired", "shared",
    "hersteller", "released", "purchase", "left and right",
}  # fmt: skip
# A person's role, printed after the name and a comma ("Jane Roe, Infographics Artist"):
# the last word of what follows the name.
ROLES = frozenset(
    """
    artist illustrator photographer designer contributor correspondent editor reporter
    intern writer fotograf fotografin photographe fotógrafo fotógrafa fotografo
    """.split()
)
# Particles written in lower case inside names ("Ludwig van Beethoven").
LOWER_PARTICLES = frozenset(
    """
    van von der den de da di du del della le la bin al el ten ter dos das y zu of the st.
    """.split()
)

# Common given names in the languages credits are printed in (lower case). Not a list
# of every name: it only decides the few forms that read both ways without one: a
# credit of one capitalised word ("Rosa" is a person, "Nordwerk" a company), a short
# acronym first ("ANNA Berg" is a person). A name missing here only leaves such a credit to
# the reading of its form.
GIVEN_NAMES = frozenset(
    """
    aaron adam adrian aidan alan albert alex alexander alexandra alice alicia amanda amy
    ana andrea andreas andrew andrzej angela ann anna anne annika anton antonio arthur
    barbara ben benjamin bernd bill bob brian bruno carl carla carlos caroline catherine
    charles charlotte chris christian christina christine christoph claire claudia daniel
    david diana diego dominik eduardo elena elias elisabeth elizabeth ella emily emma eric
    erik eva evelyn fabian felix fernando florian francesco francisco frank franz fred
    gabriel george georg giovanni giulia giuseppe grace greg hana hanna hannah hans harry
    helen helena henry hugo ian isabel isabella jack jacob jakub jan jane jean jennifer
    jens jerry jessica jim joan joe johann johannes john jonas jorge jose josé joseph joy
    juan julia julian julie jürgen karen karl kasia kate katharina katie kevin klaus
    krzysztof lara laura lea lena leo leon lisa louis lucas lucia luis luisa lukas maja
    manuel marc marco marek maria marie mario mark markus martin mary mateo matteo matthew
    max michael michał michelle mike mohammed monika nadia natalia nicholas nicole
    nina noah olivia oscar pablo paolo patrick paul paula pedro peter petra philipp piotr
    pierre rachel rafael ralf raphael rebecca richard robert roberto rosa ruth ryan sabine
    sam samuel sara sarah sebastian simon sofia sophie stefan stefanie stephen steve
    susan susanne sven thomas tim timo tobias tom tomasz ursula valentina vanessa victor
    virginia walter william wolfgang yuki zoe zofia
    """.split()
)

# --- Bodies ----------------------------------------------------------------------------

# Words that make a name a body's rather than a person's.
ORGANISATION_WORDS = frozenset(
    """
    ltd limited gmbh inc llc plc co corp company trust estate gemeente films studio studios
    museum museums council department office police service services navy army university
    foundation agency partners architects association society library ministry government
    festival fire county city family familia famille familie campaign committee center
    centre institute institution school college hospital church club team group press news
    records productions media organisation organization authority commission bureau embassy
    union parliament senate congress court sheriff's sheriff guard administration
    collection archive archives project network channel tv radio post times chronicle herald
    tribune gazette gazeta journal telegraph observer examiner courier inquirer globe zeitung
    presidency presidencia présidence protection museen museo musée ministerium ministerio
    ministère fotopress rescue forces electronics bequest fund dispatch stampa
    pictures film games entertainment publishing publishers verlag ediciones éditions
    editions hotel hotels hôtel resort resorts lodges therme estudio estudios
    archivo archiv archivio arquivo stiftung fundación fondation fondazione verein verband
    gruppe grupo groupe gemeinde municipality ayuntamiento mairie comune universität
    universidad université università uniwersytet hochschule institut instituto polizei
    policía feuerwehr bomberos agentur agencia agence associates holdings industries
    laboratories labs airlines airways motors brewery winery weingut gallery galerie
    galería galleria theatre theater orchestra zoo tourismus tourism magazine revista
    corporation incorporated e.v s.a s.l s.p.a s.r.l b.v n.v sarl srl kg ohg gbr mbh pty
    """.split()
)
# Endings of German compound words that name a body ("Tourismusverband", "Museumsverein",
# "Bundesfinanzministerium", "Stadtwerke"): a word that ends so is a body's name.
ORGANISATION_ENDINGS: tuple[str, ...] = (
    "verein", "verband", "gruppe", "stiftung", "ministerium", "museum", "archiv",
    "gesellschaft", "genossenschaft", "institut", "zentrum", "klinikum", "werke", "verlag",
    "agentur", "bibliothek", "universität", "hochschule", "polizei", "feuerwehr", "kammer",
    "behörde", "verwaltung",
)  # fmt: skip
# Articles that open a body's name ("The Grand Alpenhof", "Die Woche"), and that no
# person's name begins with. Articles that are also given names or begin names are left
# out: "La" (La Toya), "Les" (Leslie), "El" (El Lissitzky), "Le" and "Das" (Vietnamese and
# Indian family names).
ORGANISATION_ARTICLES = frozenset(("the", "die", "der", "los", "las", "il"))
# The endings of a site's name ("example.de", "Agency.com"): a credit that is a domain
# names the site, not a person.
TOP_LEVEL_DOMAINS: tuple[str, ...] = (
    "com", "net", "org", "info", "biz", "io", "co", "tv", "me", "eu", "de", "at", "ch",
    "fr", "es", "it", "nl", "be", "lu", "uk", "ie", "pl", "cz", "sk", "hu", "ro", "se",
    "dk", "no", "fi", "pt", "gr", "ru", "ua", "jp", "cn", "kr", "au", "nz", "ca", "us",
    "in", "br", "mx", "ar", "cl", "pe", "za",
)  # fmt: skip
# Words in a newspaper's name: a name beside one is the newsroom's own photographer.
PUBLICATION_WORDS: tuple[str, ...] = (
    "times", "post", "chronicle", "herald", "tribune", "gazette", "journal", "telegraph",
    "observer", "examiner", "courier", "inquirer", "globe", "dispatch", "daily", "zeitung",
    "news", "star", "sun", "mail", "mirror", "express", "independent", "guardian", "record",
    "review", "bulletin", "register", "standard", "presse",
)  # fmt: skip
# Words printed beside a provider's name that do not change which provider it is.
PROVIDER_FILLER = frozenset(
    """
    photo photos images image file stock the news press wire agency archive via pool
    handout live photographer staff foto illustration video screenshot picture pictures
    contributor collection library de la prensa ag inc ltd plus creative editorial sport
    sports archivo archiv
    """.split()
)
# Cities that follow a museum's or archive's name ("Musée d'Orsay, Paris").
PLACES = frozenset(
    {
        "london", "paris", "berlin", "rome", "madrid", "vienna", "amsterdam", "washington",
        "new york", "los angeles", "chicago", "boston", "zürich", "zurich", "munich",
        "münchen", "florence", "milan", "venice", "brussels", "stockholm", "copenhagen",
        "oslo", "dublin", "edinburgh", "prague", "budapest", "warsaw", "moscow", "tokyo",
        "beijing", "sydney", "melbourne", "toronto", "ottawa", "montreal", "philadelphia",
        "san francisco", "new york city", "washington, d.c.", "lisbon", "lisboa",
        "barcelona", "hamburg", "cologne", "köln", "frankfurt", "wien", "roma", "milano",
        "athens", "istanbul", "dubai", "singapore", "salzburg", "geneva", "genève", "lyon",
        "kraków", "krakow", "seville", "sevilla", "valencia", "porto",
    }
)  # fmt: skip

# Lower-case words that join the words of a body's name ("Bank of the West", "Garden of
# the Winds"): other lower-case words make a sentence of it.
NAME_JOINERS = frozenset(("of", "the", "and", "&", "for", "de", "la", "du", "des", "der"))

# Cities after a brand's name make a venue's name ("Rosewood Vienna", "Hotel Sacher Wien"):
# those of PLACES that are no one's given or family name ("Jack London", "Irving Berlin",
# "Denzel Washington", "Sydney", "Florence" are).
VENUE_CITIES = PLACES - frozenset(
    {
        "london", "paris", "berlin", "washington", "boston", "lyon", "florence", "sydney",
        "valencia", "sevilla", "seville", "porto", "roma", "rome", "hamburg", "madrid",
        "milan", "milano", "dublin", "chicago", "geneva",
    }
)  # fmt: skip

# --- Captions --------------------------------------------------------------------------

# Lower-case words a credit may contain; other lower-case words are a sign of a sentence.
CREDIT_WORDS = frozenset(
    """
    by via for of the and from on at photo photos image images picture licensed under is
    are used with courtesy handout pool file staff de du des la le von der die und y et en
    di da del sur auf a an in public domain commons creative user marked copyright all
    rights reserved screenshot still video satellite official supplied provided obtained
    posted source sources composite illustration graphic map chart foto data
    """.split()
)
# Agencies whose credits run on at the end of a caption as "AGENCY/Name" (case as printed).
AGENCY_TAIL_NAMES: tuple[str, ...] = (
    r"AP\s+Photo", "REUTERS", "Reuters", r"EPA(?:-EFE)?", "AFP", "ANP", "dpa", "XINHUA",
    "Xinhua", "ANSA", "SIPA", "ZUMA", "IMAGO", "KYODO", "YONHAP", "TASS", "ABACA",
    r"PA(?:\s+(?:Wire|Media|Images))?", r"Anadolu(?:\s+Agency)?", "Bloomberg",
    r"Getty\s+Images", "Pool",
)  # fmt: skip
# Words in capitals that headlines and captions carry in square brackets or after a bar
# ("[VIDEO]", "[UPDATED]", "| LIVE"), which are no agency's initials.
CAPTION_TAGS = frozenset(
    """
    video videos photo photos pics pic gallery live updated update updates watch map maps
    audio new news read more see file files poll quiz listen opinion analysis exclusive
    breaking sic ad ads hd gif pdf tv
    """.split()
)
# Words that name a picture made by or with an AI tool.
AI_WORDS: tuple[str, ...] = (
    r"ai", r"midjourney", r"dall[\s·-]?e", r"stable\s+diffusion", r"firefly", r"generated",
)  # fmt: skip
