"""No regular expression of the package can be made to backtrack for minutes.

Every pattern is collected: the compiled patterns of every module (also inside
module-level tuples, lists, sets and dicts), the literal patterns that functions pass to
``re`` (read from the source), and the patterns built from the knowledge base at run
time. Each is then

- checked by its structure: an unbounded repeat nested inside another repeat can split
  the same text in exponentially many ways (``(?:-thumb\\w*|-large)+$`` on
  "-thumb_thumb_thumb…!" never finishes) unless the inner repeat is possessive or
  atomic, which it cannot be backtracked into;
- run against adversarial text made of its own words and of runs of letters, digits,
  spaces and separators, several KB long, in a child process, so that a pattern that
  hangs fails the test instead of hanging it.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import attribution
from attribution.credits.needles import LazyPattern
from attribution.extract.urls import strip_size_suffixes

# A repeat nested in a repeat that is reviewed as safe, with why. Keep this list short:
# prefer a possessive quantifier (``*+``, ``++``) where the inner repeat never needs to
# give characters back.
ALLOWED_NESTING = {
    # A rule id ("credit-missing"): each repetition starts with "-", which the inner
    # class cannot match, so the text splits in one way only.
    r"[a-z0-9]+(?:-[a-z0-9]+)*",
}

# The calls to ``re`` whose pattern is only known at run time, by module and function,
# each reviewed: what the pattern is built from, and why that is safe.
DYNAMIC_PATTERNS = {
    # A module's pattern compiled when first used: collected with the module's patterns.
    ("attribution.credits.needles", "compiled"),
    # Escaped licence aliases in one alternation (and the runs of letters and digits of
    # those aliases, in another) are compiled with lazy_compile; collected below from
    # the knowledge base.
    # An escaped name between word boundaries.
    ("attribution.rules.context", "_mentions"),
    # An escaped domain after labels that each end at a dot: the text splits one way.
    ("attribution.rules.context", "_mentions_domain"),
    # Escaped words in one alternation.
    ("attribution.textutil", "any_of"),
    # The scan's --include and --exclude: the operator's own patterns, searched in URLs
    # cut to the longest a sitemap may list (CrawlRules.admits).
    ("attribution.cli.scan", "_patterns"),
}

SECONDS_PER_PATTERN = 5.0

_RE_FUNCTIONS = {
    "compile": 1,
    "match": 2,
    "search": 2,
    "fullmatch": 2,
    "findall": 2,
    "finditer": 2,
    "split": 3,
    "sub": 4,
    "subn": 4,
}


def package_modules() -> list[ModuleType]:
    """Every module of the package (its ``__main__`` runs the command line: left out)."""
    names = [
        info.name
        for info in pkgutil.walk_packages(attribution.__path__, "attribution.")
        if not info.name.endswith("__main__")
    ]
    return [attribution, *(importlib.import_module(name) for name in names)]


def _patterns_in(value: object, depth: int = 0) -> Iterator[re.Pattern[Any]]:
    if isinstance(value, re.Pattern):
        yield value
    elif isinstance(value, LazyPattern):  # compiled when first used
        yield value.compiled()
    elif depth < 3 and isinstance(value, (tuple, list, set, frozenset)):
        for item in value:
            yield from _patterns_in(item, depth + 1)
    elif depth < 3 and isinstance(value, dict):
        for item in [*value.keys(), *value.values()]:
            yield from _patterns_in(item, depth + 1)


def _enclosing_function(tree: ast.Module, line: int) -> str:
    name = "<module>"
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
            node.lineno <= line <= (node.end_lineno or node.lineno)
        ):
            name = node.name  # the innermost wins: ast.walk goes outside in
    return name


def _literal_calls(module: ModuleType) -> Iterator[tuple[str, int | None, str]]:
    """(pattern or None, flags, place) for each call to ``re`` in a module's source whose
    pattern can be worked out from the module's own names; None where it cannot."""
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):
        return
    tree = ast.parse(source)
    names = dict(vars(module))
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.func.attr in _RE_FUNCTIONS
            and node.args
        ):
            continue
        function = _enclosing_function(tree, node.lineno)
        try:
            pattern = eval(compile(ast.Expression(node.args[0]), "<pattern>", "eval"), names)
        except Exception:
            yield None, None, f"{module.__name__}:{function}"  # type: ignore[misc]
            continue
        if not isinstance(pattern, str):
            continue
        flag_nodes = [k.value for k in node.keywords if k.arg == "flags"]
        position = _RE_FUNCTIONS[node.func.attr]
        if len(node.args) > position:
            flag_nodes.append(node.args[position])
        flags = 0
        for flag in flag_nodes:
            flags |= int(eval(compile(ast.Expression(flag), "<flags>", "eval"), names))
        yield pattern, flags, f"{module.__name__}:{function}:{node.lineno}"


def collect_patterns() -> tuple[dict[tuple[str, int], str], set[tuple[str, str]]]:
    """Every pattern of the package as {(pattern, flags): where}, and the (module,
    function) of each call whose pattern is only known at run time."""
    found: dict[tuple[str, int], str] = {}
    dynamic: set[tuple[str, str]] = set()
    for module in package_modules():
        for name, value in vars(module).items():
            for pattern in _patterns_in(value):
                if isinstance(pattern.pattern, str):
                    found.setdefault((pattern.pattern, pattern.flags), f"{module.__name__}.{name}")
        for pattern, flags, where in _literal_calls(module):
            if pattern is None:
                module_name, function = where.split(":")
                dynamic.add((module_name, function))
                continue
            compiled = re.compile(pattern, flags or 0)
            found.setdefault((compiled.pattern, compiled.flags), where)
    # Built from the knowledge base when licences are first looked for.
    from attribution.credits.licence_names import _alias_matcher, _alias_needles
    from attribution.licences import default_knowledge_base

    aliases, _ = _alias_matcher(default_knowledge_base())
    if aliases is not None:
        found.setdefault((aliases.pattern, aliases.flags), "licence aliases")
    needles = _alias_needles(default_knowledge_base())
    if needles is not None:
        found.setdefault((needles.pattern, needles.flags), "licence alias needles")
    return found, dynamic


PATTERNS, DYNAMIC = collect_patterns()


# --- structure ----------------------------------------------------------------------------

_parser: Any = getattr(re, "_parser")  # noqa: B009 - the module is private, but stable
_constants: Any = getattr(re, "_constants")  # noqa: B009


def nested_unbounded_repeats(pattern: str, flags: int = 0) -> list[str]:
    """The unbounded repeats of a pattern that sit inside another repeat and can be
    backtracked into, written back as pattern text; [] for a safe pattern.

    The content of a possessive repeat, an atomic group or a lookaround is matched once
    and never re-entered from outside, so it is checked on its own.
    """
    c = _constants
    found: list[str] = []

    def walk(items: Any, inside_repeat: bool) -> None:
        for op, value in items:
            if op in (c.MAX_REPEAT, c.MIN_REPEAT):
                _, high, content = value
                if high == c.MAXREPEAT and inside_repeat:
                    found.append(_describe(op, value))
                walk(content, inside_repeat or high > 1)
            elif op is c.POSSESSIVE_REPEAT:
                walk(value[2], False)
            elif op is c.ATOMIC_GROUP:
                walk(value, False)
            elif op is c.SUBPATTERN:
                walk(value[-1], inside_repeat)
            elif op is c.BRANCH:
                for branch in value[1]:
                    walk(branch, inside_repeat)
            elif op in (c.ASSERT, c.ASSERT_NOT):
                walk(value[1], False)
            elif op is c.GROUPREF_EXISTS:
                walk(value[1], inside_repeat)
                if value[2] is not None:
                    walk(value[2], inside_repeat)

    walk(_parser.parse(pattern, flags), False)
    return found


def _describe(op: Any, value: Any) -> str:
    low, _, content = value
    return f"{op}({low}, MAXREPEAT) of {list(content)!r}"[:160]


def test_patterns_are_found() -> None:
    """The collection sees the package's patterns (a broken collection checks nothing)."""
    places = set(PATTERNS.values())
    assert len(PATTERNS) > 150
    assert any(place.startswith("attribution.extract.urls.") for place in places)
    assert any(place.startswith("attribution.credits.captions:") for place in places)
    assert "licence aliases" in places


def test_the_structural_check_sees_nested_repeats() -> None:
    # The pattern that stripped size suffixes from file names, and never finished on
    # "-thumb_thumb_…_thumb!".
    assert nested_unbounded_repeats(r"(?:[-_](?:thumb\w*|large))+$", re.I)
    assert nested_unbounded_repeats(r"(?:\w+\s)*x")
    assert nested_unbounded_repeats(r"(?=(?:a+)+b)")
    assert not nested_unbounded_repeats(r"(?:[\w-]++\s++){1,3}by")
    assert not nested_unbounded_repeats(r"(?>(?:a|b)+)+c")
    assert not nested_unbounded_repeats(r"\s*(?:photo|image)s?\s+by\s+\S")


def test_calls_with_patterns_made_at_run_time_are_reviewed() -> None:
    assert DYNAMIC <= DYNAMIC_PATTERNS, (
        f"review these, then list them: {DYNAMIC - DYNAMIC_PATTERNS}"
    )


def test_no_pattern_nests_a_repeat_that_can_be_backtracked_into() -> None:
    unsafe = {
        where: nested
        for (pattern, flags), where in PATTERNS.items()
        if pattern not in ALLOWED_NESTING and (nested := nested_unbounded_repeats(pattern, flags))
    }
    assert not unsafe, "\n".join(f"{where}: {nested}" for where, nested in unsafe.items())


def test_the_allowed_nestings_are_still_in_use() -> None:
    used = {pattern for pattern, _ in PATTERNS}
    assert used >= ALLOWED_NESTING


# --- adversarial text ---------------------------------------------------------------------


def _words(pattern: str, flags: int) -> list[str]:
    """The literal words of a pattern (runs of literal characters), longest first."""
    c = _constants
    words: set[str] = set()

    def walk(items: Any) -> None:
        run: list[str] = []
        for op, value in items:
            if op is c.LITERAL:
                run.append(chr(value))
                continue
            if len(run) > 1:
                words.add("".join(run))
            run = []
            if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
                walk(value[2])
            elif op is c.SUBPATTERN:
                walk(value[-1])
            elif op is c.ATOMIC_GROUP:
                walk(value)
            elif op is c.BRANCH:
                for branch in value[1]:
                    walk(branch)
            elif op in (c.ASSERT, c.ASSERT_NOT):
                walk(value[1])
        if len(run) > 1:
            words.add("".join(run))

    walk(_parser.parse(pattern, flags))
    return sorted(words, key=lambda w: (-len(w), w))[:12]


_SIZE = 4000
_GENERIC = ["a", "A", "0", " ", "-_", "a ", "a.", "a-", "a_", "A ", "Ab ", "a/", "a,", "©", "é"]
_GENERIC += ["(", "[", ". ", ": ", "/ ", "\t", "1x", "a1", "http://", "www.", "\u00a0"]


def adversarial_texts(pattern: str, flags: int) -> list[str]:
    """Long runs of the pattern's own words and of common characters, each ending in a
    character that makes an anchored match fail at the last moment."""
    units = [*_GENERIC]
    for word in _words(pattern, flags):
        units += [word, f"-{word}", f"_{word}", f"{word} ", f"{word}.", word.upper()]
    texts = []
    for unit in units:
        run = unit * (_SIZE // len(unit) + 1)
        texts += [run + "!", run + "\n", "x" + run]
    return texts


def run_adversarial(jobs: list[tuple[str, int]]) -> None:
    """Run in the child process: search each pattern's adversarial texts, printing a
    line as each pattern starts and one with the time it took."""
    for number, (pattern, flags) in enumerate(jobs):
        print(json.dumps({"start": number}), flush=True)
        compiled = re.compile(pattern, flags)
        began = time.perf_counter()
        for text in adversarial_texts(pattern, flags):
            compiled.search(text)
        print(json.dumps({"done": number, "seconds": time.perf_counter() - began}), flush=True)


_CHILD = (
    "import json, sys; sys.path.insert(0, sys.argv[1]); import test_regex_safety as t; "
    "t.run_adversarial(json.load(sys.stdin))"
)


def test_no_pattern_is_slow_on_adversarial_text() -> None:
    jobs = list(PATTERNS)
    places = list(PATTERNS.values())
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(Path(__file__).parent)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(json.dumps(jobs))
    child.stdin.close()
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in child.stdout or ()], daemon=True
    ).start()
    times: dict[int, float] = {}
    running: int | None = None
    try:
        while len(times) < len(jobs):
            try:
                # A pattern that hangs never prints its "done": stop there and name it.
                line = lines.get(timeout=SECONDS_PER_PATTERN * 4 if running is not None else 120)
            except queue.Empty:
                pytest.fail(
                    f"no answer within the bound: {places[running] if running is not None else 'start-up'}"
                )
            record = json.loads(line)
            if "start" in record:
                running = record["start"]
            else:
                times[record["done"]] = record["seconds"]
                running = None
    finally:
        child.kill()
        child.wait()
    slow = {places[n]: round(s, 2) for n, s in times.items() if s > SECONDS_PER_PATTERN}
    assert not slow, slow


# --- the patterns that were slow ----------------------------------------------------------

# A page of 466 bytes whose image file name repeats a size suffix: stripping the suffixes
# with one pattern (an unbounded repeat of alternatives, "thumb\\w*" and "thumbnail"
# among them) tried each of the 2**30 ways to read the name, for most of an hour.
SLOW_PAGE = (
    "<html lang=en><body><figure><img src='/media/2024/06/harbour-view"
    + "-thumbnail" * 30
    + "!.jpg' alt='Harbour'><figcaption>Harbour at dusk. Photo: Jane Doe</figcaption></figure></body></html>"
)
_PAGE_CHILD = (
    "import sys; from attribution.extract import extract_page; "
    "page = extract_page(sys.stdin.read(), 'https://news.example/'); "
    "print(*[image.credit for image in page.images])"
)


def test_a_small_page_with_a_hostile_file_name_is_read_quickly() -> None:
    assert len(SLOW_PAGE.encode()) == 466
    # The bound is generous: the bug took hours; reading the page takes milliseconds.
    run = subprocess.run(
        [sys.executable, "-c", _PAGE_CHILD],
        input=SLOW_PAGE,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.stdout.strip() == "Jane Doe", run.stderr


@pytest.mark.parametrize(
    ("stem", "stripped"),
    [
        ("harbour-1024x683", "harbour"),
        ("harbour_thumb_large@2x", "harbour"),
        ("harbour-superJumbo", "harbour"),
        ("harbour-medium-plus", "harbour"),
        ("harbour-thumb_v2", "harbour"),  # "thumb" goes on in letters, digits, underscores
        ("harbour-thumb-v2", "harbour-thumb-v2"),  # not after a hyphen
        ("harbour-e1690000000", "harbour"),
        ("harbour-plus", "harbour-plus"),
        ("2024-01-harbour", "2024-01-harbour"),
        ("-large", ""),
        ("harbour" + "_thumb" * 60 + "!", "harbour" + "_thumb" * 60 + "!"),
    ],
)
def test_size_suffixes_are_taken_off_file_names(stem: str, stripped: str) -> None:
    assert strip_size_suffixes(stem) == stripped
