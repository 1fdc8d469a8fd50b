"""Filler text for the generated archive: English-like sentences about a lighthouse trust,
from one seeded generator, over a small fixed vocabulary (``VOCABULARY``) that
``helpers.dumpgen`` checks against its planted words."""

from __future__ import annotations

import random


def _words(text: str) -> list[str]:
    return text.split()


_DETERMINERS = _words("the the the a a our every that this one no each")
_ADJECTIVES = _words(
    """old narrow windy bright quiet salty rusty patient careful damp grey early late brave small
    heavy loose fresh worn painted spare steep wet cold warm long short broken new second hidden
    local wooden iron"""
)
_NOUNS = _words(
    """keeper lantern gallery harbour headland tide beacon lens stair boat gull cliff volunteer
    committee rota ledger ferry buoy chart storm visitor painter trustee winch jetty slipway
    cottage kettle gate path wall roof shutter window bell rope mast engine generator battery
    chimney cormorant seal puffin crab net oar anchor compass barometer almanac logbook council
    grant invoice ticket museum shop bench flag lamp wick mantle prism glazier fisherman
    skipper bracket ladder hatch"""
)
_VERBS = _words(
    """repaired painted carried checked counted opened closed cleaned watched found lost moved
    mended noticed measured logged climbed lit replaced polished ordered sanded sealed signed
    tested raised lowered lifted"""
)
_PREPOSITIONS = _words("beside under behind near above along across past below inside over")
_ENDINGS = (
    "again",
    "quietly",
    "at dawn",
    "before lunch",
    "after the gale",
    "on the night shift",
    "for the third time",
    "without a fuss",
    "in the rain",
    "by hand",
    "as promised",
    "before the open day",
)
_NAMES = _words("Marta Owen Priya Tomas Elin Gwen Ibrahim Rhys Nadia Callum")
_QUESTIONS = (
    "Does anyone know who {verb} the {noun}?",
    "Has the {noun} been {verb} yet?",
    "Who has the key to the {noun} {prep} the {noun2}?",
)
# Every word the filler can write, lower case.
VOCABULARY = {
    word.strip(".,?").lower()
    for words in (_DETERMINERS, _ADJECTIVES, _NOUNS, _VERBS, _PREPOSITIONS, _NAMES)
    for word in words
} | {word.lower() for ending in _ENDINGS for word in ending.split()}


class Prose:
    """English-like sentences from one seeded generator; never a planted word."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def _noun_phrase(self) -> str:
        rng = self.rng
        words = [rng.choice(_DETERMINERS)]
        if rng.random() < 0.6:
            words.append(rng.choice(_ADJECTIVES))
        words.append(rng.choice(_NOUNS))
        if words[0] == "a" and words[1][0] in "aeiou":
            words[0] = "an"
        return " ".join(words)

    def sentence(self, question: bool = True) -> str:
        """A statement, or now and then (if ``question``) a question from a few templates."""
        rng = self.rng
        roll = rng.random()
        if question and roll < 0.12:
            text = rng.choice(_QUESTIONS).format(
                verb=rng.choice(_VERBS),
                noun=rng.choice(_NOUNS),
                noun2=rng.choice(_NOUNS),
                prep=rng.choice(_PREPOSITIONS),
            )
            return text
        subject = rng.choice(_NAMES) if roll < 0.3 else self._noun_phrase()
        parts = [subject, rng.choice(_VERBS), self._noun_phrase()]
        if rng.random() < 0.55:
            parts += [rng.choice(_PREPOSITIONS), self._noun_phrase()]
        ending = f" {rng.choice(_ENDINGS)}." if rng.random() < 0.4 else "."
        text = " ".join(parts) + ending
        return text[0].upper() + text[1:]

    def paragraph(self, low: int = 2, high: int = 5) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def comment(self) -> str:
        """One to three paragraphs; now and then a line break inside a paragraph.  It opens
        with a statement: questions repeat, and tests find comments by their first words."""
        rng = self.rng
        paragraphs = [self.paragraph(1, 4) for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))]
        if rng.random() < 0.15:
            paragraphs[0] = self.sentence() + "\n" + paragraphs[0]
        paragraphs[0] = self.sentence(question=False) + " " + paragraphs[0]
        return "\n\n".join(paragraphs)

    def body(self, paragraphs: int) -> list[str]:
        return [self.paragraph(3, 6) for _ in range(paragraphs)]
