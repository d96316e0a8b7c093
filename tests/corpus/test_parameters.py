"""Corpus: bad report parameters – on the command line (``python -m analyse.report``, exit status 2 before any
notebook runs) and in the template's first cell (``sections.start``, an error page naming the parameter)."""

from __future__ import annotations

import pytest

from analyse import paths
from analyse.errors import ParameterError
from analyse.gemeenten import Gemeente

pytestmark = pytest.mark.skipif(not (paths.PACKAGE_DIR / "report" / "runner.py").exists(),
                                reason="report runner not committed yet")


@pytest.fixture(scope="module")
def declared():
    from analyse.report import runner

    return runner.template_parameters()


@pytest.mark.parametrize("params, fragments", [
    pytest.param({"foo": "1"}, ["Onbekende parameter(s) foo", "bekend zijn: gemeentecode"], id="unknown-parameter"),
    pytest.param({"startjaar_beleid": "abc"}, ["'startjaar_beleid'", "'abc' is geen geldige int"], id="text-for-int"),
    pytest.param({"peer_k": "1.5"}, ["'peer_k'", "'1.5' is geen geldige int"], id="float-for-int"),
    pytest.param({"peer_k": True}, ["'peer_k' moet int zijn, niet bool"], id="bool-for-int"),
    pytest.param({"regio_rollen": "{a: 1}"}, ["'regio_rollen' moet list zijn, niet dict"], id="mapping-for-list"),
])
def test_runner_refuses_parameter(declared, params, fragments):
    from analyse.report import runner

    with pytest.raises(ParameterError) as exc:
        runner.validate_parameters(params, declared)
    for f in fragments:
        assert f in str(exc.value)


def test_cli_unknown_parameter_exit_2(capsys):
    from analyse.report.__main__ import main

    assert main(["-g", "GM0531", "-p", "startjaar=2020", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "Onbekende parameter(s) startjaar" in err and "startjaar_beleid" in err


def test_cli_malformed_p_option_exit_2(capsys):
    from analyse.report.__main__ import main

    assert main(["-g", "GM0531", "-p", "startjaar_beleid", "--no-progress"]) == 2
    assert "-p verwacht NAAM=WAARDE" in capsys.readouterr().err


GEM = Gemeente(code="GM0531", naam="Hendrik-Ido-Ambacht", indelingsjaar=2024, provincie_code="PV28",
               provincie_naam="Zuid-Holland", regions={})


@pytest.mark.parametrize("kwargs, fragment", [
    pytest.param({"startjaar_beleid": 2030}, "startjaar_beleid=2030 ligt niet tussen 2010 en het indelingsjaar 2024",
                 id="start-year-after-data"),
    pytest.param({"startjaar_beleid": 1990}, "startjaar_beleid=1990 ligt niet tussen 2010", id="start-year-too-early"),
    pytest.param({"startjaar_beleid": "2020"}, "startjaar_beleid moet een jaartal zijn, niet '2020'",
                 id="start-year-text"),
    pytest.param({"startjaar_beleid": 2020, "peer_k": 0}, "peer_k=0: kies 3 tot en met 50", id="empty-peer-list"),
    pytest.param({"startjaar_beleid": 2020, "peer_k": -3}, "peer_k=-3", id="negative-peer-k"),
    pytest.param({"startjaar_beleid": 2020, "peer_method": "xyz"}, "peer_method='xyz' is onbekend", id="peer-method"),
    pytest.param({"startjaar_beleid": 2020, "regio_rollen": ["onbekend"]}, "onbekende rol(len) onbekend;",
                 id="unknown-reference-role"),
    pytest.param({"startjaar_beleid": 2020, "regio_rollen": []}, "regio_rollen", id="empty-reference-list"),
])
def test_template_parameters_checked(kwargs, fragment):
    from analyse.content import ReportParameters

    with pytest.raises(ParameterError) as exc:
        ReportParameters(**kwargs).checked(GEM.indelingsjaar)
    assert fragment in str(exc.value)
