"""R reads the SPSS export with its labels through haven (issue 17): the analysts' own reader,
not ours. Runs where ``Rscript`` and the haven package are installed (CI installs Debian's
r-cran-haven); skipped elsewhere, saying why."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from publish_support import Panel, build_panel

RSCRIPT = shutil.which("Rscript")
CONSULT = str(Path(sys.executable).parent / "consult")

READ = """
library(haven)
d <- read_sav(commandArgs(TRUE)[1], user_na = TRUE)
out <- list(
  rows = nrow(d),
  group_label = attr(d$group, "label"),
  group_labels = as.list(attr(d$group, "labels")),
  support_label = attr(d$carbon_price_support, "label"),
  support_labels = as.list(attr(d$carbon_price_support, "labels")),
  support_na = as.list(attr(d$carbon_price_support, "na_values")),
  support = sort(as.numeric(d$carbon_price_support))
)
cat(paste0("{", paste(sprintf('"%s": %s', names(out), sapply(out, function(v) {
  if (is.list(v)) paste0("{", paste(sprintf('"%s": %s', names(v), unlist(v)), collapse = ", "), "}")
  else if (is.character(v)) sprintf('"%s"', v)
  else paste0("[", paste(v, collapse = ", "), "]")
})), collapse = ", "), "}"))
"""


def haven_available() -> bool:
    if RSCRIPT is None:
        return False
    done = subprocess.run(
        [RSCRIPT, "-e", "library(haven)"], capture_output=True, text=True, timeout=60
    )
    return done.returncode == 0


pytestmark = pytest.mark.skipif(
    not haven_available(), reason="R with the haven package is not installed (CI installs it)"
)


def test_r_reads_the_spss_file_with_its_labels(tmp_path: Path) -> None:
    panel: Panel = build_panel(tmp_path)
    path = tmp_path / "answers.sav"
    env = {k: v for k, v in os.environ.items() if k != "CONSULT_DB"}
    done = subprocess.run(
        [CONSULT, "--db", str(panel.db), "export", str(panel.survey_file), "--format", "sav",
         "-o", str(path)],
        capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    script = tmp_path / "read.R"
    script.write_text(READ, encoding="utf-8")
    read = subprocess.run(
        [str(RSCRIPT), str(script), str(path)], capture_output=True, text=True, timeout=120
    )
    assert read.returncode == 0, read.stderr
    got = json.loads(read.stdout)
    assert got["rows"] == [3]  # R numbers print as vectors
    assert got["group_label"] == "Stakeholder group"
    assert got["group_labels"] == {"Researchers": 1, "Industry": 2}
    assert got["support_label"] == "How far do you support this proposal?"
    assert got["support_labels"] == {
        "Strongly oppose": 1, "Oppose": 2, "Neither": 3, "Support": 4, "Strongly support": 5,
        "abstained": -7, "skipped": -8,
    }  # fmt: skip
    assert got["support"] == [-7, 2, 5]  # Bob abstained; Alice 2; Carol 5 (see publish_support)
