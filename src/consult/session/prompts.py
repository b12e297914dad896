"""The prompts: the only module that imports questionary.

:class:`Terminal` is where prompts and panels go; ``PROMPTS`` asks one question of each type.
A new question type needs its definition in ``consult.survey`` and one ``ask_*`` function here,
registered in ``PROMPTS`` (``tests/test_session_flow.py`` checks that every type has one).
Prompt messages come from survey files and translations: they are kept to one clean line, and
anything printed is neutralised (no markup, no terminal escapes).

questionary is imported inside the functions that prompt, so that importing this module (and
``consult --help``) stays fast.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text

from consult.i18n import Labels
from consult.i18n.session import LABELS
from consult.safe_text import strip_control
from consult.session.flow import format_ranking, option_label
from consult.survey.model import ABSTAIN, Question, Survey

#: Clear the scrollback, home the cursor, clear the screen: nothing of the last participant stays.
CLEAR_SCREEN = "\x1b[3J\x1b[H\x1b[2J"
#: Home the cursor and clear the screen (the scrollback stays): a new page of the review.
CLEAR_PAGE = "\x1b[H\x1b[2J"
#: The one prompt marker, before every question and choice.
QMARK = "»"
#: How to use a list before a language is chosen: no words, so no language.
KEYS_ANY_LANGUAGE = "(↑ ↓ ⏎)"
_SKIP = "\x00skip"  # choice values no option id can take
_CHOOSE = "\x00choose"


def say(lang: str, key: str, **values: Any) -> str:
    """The participant's words for ``key`` in ``lang`` (``consult.i18n.session``)."""
    return Labels(LABELS, lang)(key, **values)


def terminal_text(text: str) -> Text:
    """A rich ``Text`` that shows ``text`` literally: no markup, no escape sequences."""
    return Text(strip_control(text))


@dataclass
class Terminal:
    """Where prompts and panels go. ``prompt_kwargs`` (input/output) lets tests run in-process."""

    console: Any = None
    prompt_kwargs: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.console is None:
            from rich.console import Console

            self.console = Console(highlight=False)

    def print(self, *items: Any, **kwargs: Any) -> None:
        self.console.print(*items, **kwargs)

    def clear(self, sequence: str = CLEAR_SCREEN) -> None:
        self.console.file.write(sequence)
        self.console.file.flush()

    @property
    def height(self) -> int:
        return int(self.console.height)

    def lines(self, renderable: Any) -> int:
        """How many lines ``renderable`` takes at this terminal's width."""
        return len(self.console.render_lines(renderable, pad=False))

    def message(self, text: str, qmark: str, room: int = 24) -> str:
        """A prompt message that fits on one line beside ``room`` columns of answer or hint;
        a longer one is printed first, wrapped at word boundaries, and the prompt gets none."""
        from rich.cells import cell_len

        text = plain(text)
        if cell_len(f"{qmark} {text}") + room <= self.console.width:
            return text
        self.print(terminal_text(text), style="bold")
        return ""

    def ask(self, make: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one questionary prompt; Ctrl-C and Ctrl-D both raise KeyboardInterrupt.

        Ctrl-Z and Ctrl-\\ do nothing at a prompt (a prompt reads them as keys, and they would
        otherwise go into a text answer as control characters); Ctrl-D ends the prompt like
        Ctrl-C wherever it has no character to delete, in lists too.
        """
        question = make(*args, **kwargs, **self.prompt_kwargs)
        from prompt_toolkit.key_binding import merge_key_bindings

        app = question.application
        app.key_bindings = merge_key_bindings([b for b in (app.key_bindings, _keys()) if b])
        try:
            return question.unsafe_ask()
        except EOFError:
            raise KeyboardInterrupt from None

    def select(
        self,
        message: str,
        choices: list[Any],
        default: Any = None,
        *,
        qmark: str = QMARK,
        instruction: str = KEYS_ANY_LANGUAGE,
        **kw: Any,
    ) -> Any:
        import questionary

        values = [c.value if isinstance(c, questionary.Choice) else c for c in choices]
        if default not in values:
            default = None
        return self.ask(
            questionary.select,
            self.message(message, qmark),
            choices=choices,
            default=default,
            qmark=qmark,
            instruction=instruction,
            **kw,
        )

    def text(
        self,
        message: str,
        default: str = "",
        validate: Any = None,
        *,
        qmark: str = QMARK,
        instruction: str | None = None,
        **kw: Any,
    ) -> str:
        import questionary

        room = 24 + len(instruction or "")
        shown = self.message(message, qmark, room)
        typed = self.ask(
            questionary.text,
            shown,
            default=default,
            validate=validate,
            qmark=qmark,
            instruction=instruction,
            # the echo of what was typed is ours, through the same sanitiser as every output:
            # prompt_toolkit would show bidirectional overrides and C1 controls as typed
            erase_when_done=True,
            **kw,
        )
        self.print(terminal_text(" ".join(filter(None, (qmark, shown, typed)))))
        return typed

    def password(self, message: str, **kw: Any) -> str:
        """Typed without echo (the kiosk's exit word)."""
        import questionary

        return self.ask(questionary.password, message, **{"qmark": QMARK, **kw})

    def pause(self, message: str) -> None:
        import questionary

        with contextlib.suppress(KeyboardInterrupt):
            self.ask(questionary.press_any_key_to_continue, plain(message))


@functools.cache
def _keys() -> Any:
    """The keys every prompt handles the same way (see :meth:`Terminal.ask`)."""
    from prompt_toolkit.application import get_app
    from prompt_toolkit.filters import Condition
    from prompt_toolkit.key_binding import KeyBindings

    keys = KeyBindings()

    @keys.add("c-z")
    @keys.add("c-\\")
    def _ignore(event: Any) -> None:
        pass

    @keys.add("c-d", filter=Condition(lambda: not get_app().current_buffer.text))
    def _end(event: Any) -> None:
        event.app.exit(exception=EOFError, style="class:aborting")

    return keys


def plain(text: str) -> str:
    """Text from a survey file or a translation as one clean prompt line."""
    return " ".join(strip_control(text).split())


def choice(title: str, value: Any, **kw: Any) -> Any:
    """A questionary ``Choice`` with a clean title."""
    import questionary

    return questionary.Choice(plain(title), value=value, **kw)


# --- asking one question ------------------------------------------------------------------------

#: ``ask(term, survey, question, lang, default, qmark)``: the value to store, or None (skipped).
Ask = Callable[[Terminal, Survey, Question, str, Any, str], Any]


def ask_question(
    term: Terminal, survey: Survey, q: Question, lang: str, default: Any, qmark: str = QMARK
) -> Any:
    """Prompt for ``q``: the value to store, or None when an optional question is skipped."""
    if q.help:
        term.print(terminal_text(q.help.get(lang)), style="dim")
    return PROMPTS[q.type](term, survey, q, lang, default, qmark)


def ask_scale(
    term: Terminal, survey: Survey, q: Question, lang: str, default: Any, qmark: str
) -> Any:
    scale = survey.scale(q.scale or "")
    choices = [choice(f"{p.value}  {p.label.get(lang)}", p.value) for p in scale.points]
    if scale.abstain:
        choices.append(choice(scale.abstain.get(lang), ABSTAIN))
    return _pick(term, q, lang, choices, default, qmark)


def ask_single(
    term: Terminal, survey: Survey, q: Question, lang: str, default: Any, qmark: str
) -> Any:
    choices = [choice(o.label.get(lang), o.id) for o in q.options]
    return _pick(term, q, lang, choices, default, qmark)


def _pick(
    term: Terminal, q: Question, lang: str, choices: list[Any], default: Any, qmark: str
) -> Any:
    if not q.required:
        choices = [*choices, choice(say(lang, "skip"), _SKIP)]
    value = choose(term, lang, q.text.get(lang), choices, default, qmark)
    return None if value == _SKIP else value


def choose(
    term: Terminal, lang: str, message: str, choices: list[Any], default: Any, qmark: str
) -> Any:
    """A select whose cursor starts on "— choose an answer —" (or on ``default``, an earlier
    answer): Enter without moving records nothing and asks again."""
    choices = [choice(say(lang, "choose"), _CHOOSE), *choices]
    if default is None:
        default = _CHOOSE
    instruction = say(lang, "select_keys")
    while True:
        value = term.select(message, choices, default, qmark=qmark, instruction=instruction)
        if value != _CHOOSE:
            return value
        term.print(terminal_text(say(lang, "choose_first")), style="yellow")


def ask_multiple(
    term: Terminal, survey: Survey, q: Question, lang: str, default: Any, qmark: str
) -> Any:
    import questionary

    chosen = set(default or ())
    lo = q.min_choices if q.min_choices is not None else (1 if q.required else 0)
    hi = q.max_choices

    def validate(picked: list[str]) -> bool | str:
        if not picked and not q.required:
            return True  # an empty optional answer is a skip
        if len(picked) < lo:
            return say(lang, "choose_min", n=lo)
        if hi is not None and len(picked) > hi:
            return say(lang, "choose_max", n=hi)
        return True

    choices = [choice(o.label.get(lang), o.id, checked=o.id in chosen) for o in q.options]
    message = term.message(q.text.get(lang), qmark, 40)
    picked = term.ask(
        questionary.checkbox,
        message,
        choices=choices,
        validate=validate,
        qmark=qmark,
        instruction=say(lang, "checkbox_keys"),
        erase_when_done=True,  # questionary's own echo is English ("done (2 selections)")
    )
    labels = [option_label(q, o, lang) for o in picked or ()]
    echo = "; ".join(labels) if labels else say(lang, "skipped")
    term.print(terminal_text(" ".join(filter(None, (qmark, message, echo)))))
    return picked or None


def ask_ranking(
    term: Terminal, survey: Survey, q: Question, lang: str, default: Any, qmark: str
) -> Any:
    """An ordering prompt: choose the first, then the next among those left, and so on."""
    previous = list(default or ())
    remaining = [o.id for o in q.options]
    order: list[str] = []
    n = len(remaining)
    while len(remaining) > 1:
        i = len(order) + 1
        choices = [choice(option_label(q, o, lang), o) for o in remaining]
        if i == 1 and not q.required:
            choices.append(choice(say(lang, "skip"), _SKIP))
        guess = previous[i - 1] if len(previous) >= i else None
        message = say(lang, "rank_step", text=q.text.get(lang), i=i, n=n)
        picked = choose(term, lang, message, choices, guess, qmark)
        if picked == _SKIP:
            return None
        order.append(picked)
        remaining.remove(picked)
    order.extend(remaining)
    term.print(terminal_text(say(lang, "ranked")))
    term.print(terminal_text(format_ranking(q, order, lang)))
    return order


def ask_number(
    term: Terminal, survey: Survey, q: Question, lang: str, default: Any, qmark: str
) -> Any:
    def parse(raw: str) -> int | float | str | None:
        raw = raw.strip().replace(",", "")
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            return say(lang, "need_number")
        if value != value or value in (float("inf"), float("-inf")):
            return say(lang, "need_number")
        if q.integer:
            if not value.is_integer():
                return say(lang, "need_integer")
            value = int(value)
        if q.min is not None and value < q.min:
            return say(lang, "min", v=_num(q.min))
        if q.max is not None and value > q.max:
            return say(lang, "max", v=_num(q.max))
        return value

    def validate(raw: str) -> bool | str:
        result = parse(raw)
        if result is None:
            return True if not q.required else say(lang, "required")
        return result if isinstance(result, str) else True

    raw = term.text(
        q.text.get(lang),
        "" if default is None else _num(default),
        validate,
        qmark=qmark,
        instruction=number_range(q, lang),
    )
    return parse(raw)


def number_range(q: Question, lang: str) -> str | None:
    """The allowed range of a number question, shown before the first attempt."""
    if q.min is not None and q.max is not None:
        return say(lang, "range_both", lo=_num(q.min), hi=_num(q.max))
    if q.min is not None:
        return say(lang, "range_min", lo=_num(q.min))
    if q.max is not None:
        return say(lang, "range_max", hi=_num(q.max))
    return None


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def ask_text(
    term: Terminal, survey: Survey, q: Question, lang: str, default: Any, qmark: str
) -> Any:
    def validate(raw: str) -> bool | str:
        if q.max_length is not None and len(raw) > q.max_length:
            return say(lang, "too_long", n=q.max_length, m=len(raw))
        if q.required and not raw.strip():
            return say(lang, "required")
        return True

    raw = term.text(q.text.get(lang), default or "", validate, qmark=qmark)
    # Stored as typed; an empty optional answer is a skip.
    return raw if raw.strip() else None


#: The prompt of each question type (``consult.survey.model.QUESTION_TYPES``).
PROMPTS: dict[str, Ask] = {
    "scale": ask_scale,
    "single_choice": ask_single,
    "multiple_choice": ask_multiple,
    "ranking": ask_ranking,
    "number": ask_number,
    "text": ask_text,
}
