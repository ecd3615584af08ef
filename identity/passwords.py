"""Password strength (AUTH_PASSWORD_VALIDATORS): zxcvbn's guess estimate, with the Chinese
filler people pad passwords with (pinyin words, lucky and love numbers) added to its
dictionaries, besides the user's own name, username and e-mail."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from zxcvbn import zxcvbn

# Pinyin words and number strings that make a password look long without making it hard
# to guess; zxcvbn's own lists are English-centric.
CHINESE_FILLER = (
    "woaini", "aini", "woaini1314", "1314", "520", "5201314", "1314520", "zhongguo", "zhongguoren", "beijing",
    "shanghai", "nihao", "mima", "wode", "baobei", "laopo", "laogong", "xiaoming", "wangwei", "zhangwei",
    "jingzhidai", "zhiliang", "yinhang", "666", "888", "168", "147258369", "a1b2c3", "qwe", "asd",
    "wang", "zhang", "liu", "chen", "yang", "huang", "zhao", "zhou", "li", "wu",
)


class StrengthValidator:
    """Refuse passwords that zxcvbn guesses quickly: repeated characters, keyboard sequences,
    dates, common passwords, words, Chinese filler. `min_score` on zxcvbn's 0–4 scale."""

    def __init__(self, min_score=3):
        self.min_score = min_score

    def validate(self, password, user=None):
        inputs = list(CHINESE_FILLER)
        if user is not None:
            for attribute in ("username", "first_name", "last_name", "email", "phone"):
                value = getattr(user, attribute, "") or ""
                inputs += [value, *value.replace("@", " ").replace(".", " ").split()]
        if zxcvbn(password, user_inputs=[i for i in inputs if i])["score"] < self.min_score:
            raise ValidationError(
                _("This password is too easy to guess: avoid repeated characters, keyboard sequences, dates, "
                  "common words and phrases such as woaini1314. Several unrelated words work well."),
                code="password_too_guessable",
            )

    def get_help_text(self):
        return _("Your password must not be easy to guess (no keyboard sequences, repeats or common phrases).")
