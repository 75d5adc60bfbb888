"""The quiz form: one set of radio buttons per question of the module, and nothing else.

Field names carry the question's id (``q-<id>``). A posted ``q-`` key that is not one of this
module's questions (another module's, a guessed or malformed id) is refused as a whole rather
than ignored, so a tampered form never counts, and the member's other answers stay checked.
"""

from django import forms

from trainings.modules.services import NOT_IN_QUIZ

PREFIX = "q-"


def field_name(question) -> str:
    return f"{PREFIX}{question.pk}"


class QuizForm(forms.Form):
    def __init__(self, questions, data=None):
        super().__init__(data)
        self.questions = list(questions)
        for number, question in enumerate(self.questions, 1):
            self.fields[field_name(question)] = forms.TypedChoiceField(
                label=f"{number}. {question.prompt}",
                choices=[(index, text) for index, text in enumerate(question.option_list, 1)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Choose an answer.",
                    "invalid_choice": "Choose one of the answers shown.",
                },
            )

    def clean(self):
        cleaned = super().clean()
        posted = [key for key in self.data if key.startswith(PREFIX)]
        if any(key not in self.fields for key in posted):
            raise forms.ValidationError(NOT_IN_QUIZ, code="not_in_quiz")
        if any(len(self.data.getlist(key)) > 1 for key in posted if hasattr(self.data, "getlist")):
            raise forms.ValidationError("Choose one answer for each question.", code="several")
        return cleaned

    def answers(self) -> dict[int, int]:
        """{question id: option number} from a valid form."""
        return {question.pk: self.cleaned_data[field_name(question)] for question in self.questions}

    def rows(self, wrong=frozenset()):
        """(bound field, question, answered wrongly) for each question, in order, for the template."""
        return [(self[field_name(q)], q, q.pk in wrong) for q in self.questions]
