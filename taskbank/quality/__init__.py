"""Quality figures derived from a batch's answers: agreement (Krippendorff's alpha per question),
per-writer gold accuracy, agreement and approval, and consensus answers with confidence."""

from taskbank.quality.agreement import QuestionAgreement
from taskbank.quality.answers import StoredAnswers
from taskbank.quality.consensus import MIN_CONFIDENCE, Consensus, TaskConsensus
from taskbank.quality.report import RESAMPLES, BatchQuality, batch_quality
from taskbank.quality.writers import WriterQuality

__all__ = [
    "MIN_CONFIDENCE",
    "RESAMPLES",
    "BatchQuality",
    "Consensus",
    "QuestionAgreement",
    "StoredAnswers",
    "TaskConsensus",
    "WriterQuality",
    "batch_quality",
]
