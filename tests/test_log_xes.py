"""XES: safe parsing, lifecycle pairing, attribute types, the bad-xes files, pm4py agreement."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from bpr import LogError
from bpr._pm4py import load, quiet
from bpr.log import read_log
from tests.conftest import entity_bomb

SHARED_LOGS = [
    "receipt.xes.gz",
    "roadtraffic100traces.xes",
    "roadtraffic_1t_per_variant.xes.gz",
    "bpic2020_permit_1t_per_variant.xes.gz",
    "running-example.xes",
]


def xes(traces: str, head: str = "") -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{head}<log xes.version="1.0">{traces}</log>'


def event(name: str, time: str, transition: str | None = None, extra: str = "") -> str:
    lifecycle = f'<string key="lifecycle:transition" value="{transition}"/>' if transition else ""
    return (
        f'<event><string key="concept:name" value="{name}"/>'
        f'<date key="time:timestamp" value="{time}"/>{lifecycle}{extra}</event>'
    )


def trace(case: str, *events: str, extra: str = "") -> str:
    return f'<trace><string key="concept:name" value="{case}"/>{extra}{"".join(events)}</trace>'


def write(path: Path, text: str) -> Path:
    data = text.encode()
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


def test_receipt_log(data_dir: Path) -> None:
    log = read_log(data_dir / "logs" / "receipt.xes.gz")
    assert (log.n_cases, log.n_events, len(log.activities)) == (1434, 8577, 27)
    assert log.engine == "duckdb"  # streamed into DuckDB, not held in pandas
    assert dict(log.columns_chosen) == {
        "case": "case:concept:name",
        "activity": "concept:name",
        "timestamp": "time:timestamp",
        "resource": "org:resource",
        "channel": "case:channel",
    }
    events = log.to_pandas()
    assert set(events["channel"]) == {"Internet", "Desk", "e-mail", "Post", "Intern"} & set(
        events["channel"]
    )
    ordered = events.sort_values(["case", "timestamp", "position"], ignore_index=True)
    pd.testing.assert_frame_equal(events, ordered)
    assert str(events["timestamp"].dtype) == "datetime64[us, UTC]"
    assert log.repairs.empty
    in_pandas = read_log(data_dir / "logs" / "receipt.xes.gz", engine="pandas")
    pd.testing.assert_frame_equal(in_pandas.to_pandas(), events)


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
@pytest.mark.parametrize("name", SHARED_LOGS)
def test_same_events_as_pm4py(data_dir: Path, name: str, engine: str) -> None:
    path = data_dir / "logs" / name
    pm4py = load()
    with quiet():
        raw = pm4py.read_xes(str(path))
    theirs = pd.DataFrame(
        {
            "case": raw["case:concept:name"].astype(str),
            "activity": raw["concept:name"],
            "timestamp": pd.to_datetime(raw["time:timestamp"], utc=True).dt.as_unit("us"),
        }
    )
    log = read_log(path, engine=engine)
    assert log.n_events == len(raw)
    ours = log.to_pandas()[["case", "activity", "timestamp"]]
    key = ["case", "timestamp", "activity"]
    pd.testing.assert_frame_equal(
        ours.sort_values(key, ignore_index=True),
        theirs.sort_values(key, ignore_index=True),
        check_dtype=False,
    )
    # pm4py keeps rows equal in every attribute; so does bpr, and it counts them.
    kept = log.repairs.set_index("repair")["count"].get("exact duplicate events kept", 0)
    assert kept == raw.duplicated().sum()
    dropped = read_log(path, engine=engine, duplicates="drop")
    assert dropped.n_events == len(raw.drop_duplicates())


def test_xes_events_that_differ_only_in_an_id_or_resource_are_kept(tmp_path: Path) -> None:
    same = '<string key="org:resource" value="Ali"/><id key="id" value="e1"/>'
    text = xes(
        trace(
            "1",
            event("pay", "2024-01-01T08:00:00Z", extra=same),
            event("pay", "2024-01-01T08:00:00Z", extra=same.replace("e1", "e2")),
            event("pay", "2024-01-01T08:00:00Z", extra=same.replace("Ali", "Sara")),
            event("pay", "2024-01-01T08:00:00Z", extra=same),
        )
    )
    log = read_log(write(tmp_path / "ids.xes", text))
    assert log.n_events == 4
    assert dict(zip(log.repairs["repair"], log.repairs["count"], strict=True)) == {
        "exact duplicate events kept": 1
    }
    events = read_log(tmp_path / "ids.xes", duplicates="drop").to_pandas()
    assert list(zip(events["id"], events["resource"], strict=True)) == [
        ("e1", "Ali"), ("e2", "Ali"), ("e1", "Sara"),
    ]  # fmt: skip


def test_control_flow_only_xes_is_read_in_file_order(tmp_path: Path) -> None:
    def step(name: str) -> str:
        return f'<event><string key="concept:name" value="{name}"/></event>'

    text = xes(trace("b", step("apply"), step("pay")) + trace("a", *map(step, "xyx")))
    for engine in ("pandas", "duckdb"):
        log = read_log(write(tmp_path / "flow.xes", text), engine=engine)
        assert not log.timed
        events = log.to_pandas()
        assert list(zip(events["case"], events["activity"], strict=True)) == [
            ("a", "x"), ("a", "y"), ("a", "x"), ("b", "apply"), ("b", "pay"),
        ]  # fmt: skip
        assert "timestamp" not in log.columns_chosen


def test_lifecycle_start_and_complete_are_paired(tmp_path: Path) -> None:
    text = xes(
        trace(
            "1",
            event("a", "2024-01-01T08:00:00Z", "start"),
            event("a", "2024-01-01T08:30:00Z", "start"),
            event("b", "2024-01-01T08:40:00Z", "schedule"),
            event("a", "2024-01-01T09:00:00Z", "complete"),
            event("b", "2024-01-01T09:10:00Z", "complete"),
            event("a", "2024-01-01T09:30:00Z", "complete"),
            event("c", "2024-01-01T10:00:00Z", "start"),
        ),
        head="<!-- a comment -->\n",
    )
    log = read_log(write(tmp_path / "life.xes", text))
    events = log.to_pandas()
    stamp = pd.Timestamp
    # By hand: the first complete of a takes the first start (08:00), the second the second.
    assert list(events["activity"]) == ["a", "b", "a"]
    assert list(events["start"]) == [
        stamp("2024-01-01 08:00", tz="UTC"),
        pd.NaT,
        stamp("2024-01-01 08:30", tz="UTC"),
    ]
    assert list(events["timestamp"].dt.strftime("%H:%M")) == ["09:00", "09:10", "09:30"]
    assert log.columns_chosen["start"] == "time:timestamp of lifecycle start events"
    assert "lifecycle:transition" not in events.columns
    counts = dict(zip(log.repairs["repair"], log.repairs["count"], strict=True))
    assert counts == {
        "unpaired start events dropped": 1,
        "events with other lifecycle transitions dropped": 1,
    }
    with pytest.raises(LogError, match="unpaired start events dropped: 1"):
        read_log(tmp_path / "life.xes", strict=True)


def test_complete_only_logs_have_no_start_column(tmp_path: Path) -> None:
    text = xes(trace("1", event("a", "2024-01-01T08:00:00Z", "complete")))
    assert "start" not in read_log(write(tmp_path / "c.xes", text)).to_pandas().columns


def test_attribute_types_and_namespaces(tmp_path: Path) -> None:
    extra = (
        '<int key="cost" value="12"/><float key="share" value="0.5"/>'
        '<boolean key="paid" value="TRUE"/><id key="uid" value="u1"/>'
        '<list key="docs"><values><string key="d" value="id card"/></values></list>'
    )
    text = xes(
        trace(
            "1",
            event("a", "2024-01-01T08:00:00+03:30", extra=extra),
            extra='<int key="n" value="3"/>',
        )
    )
    text = text.replace('<log xes.version="1.0">', '<log xmlns="http://www.xes-standard.org/">')
    events = read_log(write(tmp_path / "typed.xes.gz", text)).to_pandas()
    row = events.iloc[0]
    assert (row["cost"], row["share"], row["paid"], row["uid"]) == (12, 0.5, True, "u1")
    assert row["docs"] == '[{"d": "id card"}]'
    assert row["case:n"] == 3
    assert row["timestamp"] == pd.Timestamp("2024-01-01 04:30", tz="UTC")


def test_mistyped_values_and_unknown_elements_are_reported(tmp_path: Path) -> None:
    extra = '<int key="cost" value="twelve"/><text key="note" value="x"/>'
    text = xes(
        trace(
            "1",
            event("a", "2024-01-01T08:00:00Z", extra=extra),
            event("b", "2024-01-01T09:00:00Z", extra='<int key="cost" value="3"/>'),
        )
    )
    log = read_log(write(tmp_path / "odd.xes", text))
    events = log.to_pandas()
    assert list(events["cost"]) == ["twelve", "3"]  # one column, so text
    detail = log.repairs.set_index("repair")["detail"]
    assert detail["XES values not of their declared type kept as text"] == (
        "first examples: <int value='twelve'> at line 2"
    )
    assert detail["unknown XES elements ignored"] == "first examples: <text> at line 2"
    with pytest.raises(LogError, match="strict=True"):
        read_log(tmp_path / "odd.xes", strict=True)


def test_events_outside_traces_have_no_case(tmp_path: Path) -> None:
    text = xes(trace("1", event("a", "2024-01-01T08:00:00Z")) + event("b", "2024-01-01T09:00:00Z"))
    log = read_log(write(tmp_path / "stray.xes", text))
    assert log.n_events == 1
    assert log.repairs.set_index("repair").loc["rows without case dropped", "count"] == 1


BOMB = (
    entity_bomb("log")
    + """<log><trace><string key="concept:name" value="&lol9;"/>
<event><string key="concept:name" value="&lol9;"/>
<date key="time:timestamp" value="2024-01-01T00:00:00Z"/></event></trace></log>
"""
)


def test_xml_bomb_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LogError, match=r"bomb\.xes: the file declares a document type"):
        read_log(write(tmp_path / "bomb.xes", BOMB))


@pytest.mark.parametrize(
    "target", ["file:///etc/hostname", "http://203.0.113.1/secret.txt"], ids=["file", "network"]
)
def test_external_entities_are_refused(tmp_path: Path, target: str) -> None:
    text = xes(
        trace("&xxe;", event("a", "2024-01-01T00:00:00Z")),
        head=f'<!DOCTYPE log [<!ENTITY xxe SYSTEM "{target}">]>\n',
    )
    with pytest.raises(LogError, match=r"xxe\.xes\.gz: the file declares a document type"):
        read_log(write(tmp_path / "xxe.xes.gz", text))


def test_external_dtd_is_refused(tmp_path: Path) -> None:
    text = xes(
        trace("1", event("a", "2024-01-01T00:00:00Z")),
        head='<!DOCTYPE log SYSTEM "http://203.0.113.1/x.dtd">\n',
    )
    with pytest.raises(LogError, match="declares a document type"):
        read_log(write(tmp_path / "dtd.xes", text))


def test_truncated_gzip_xes(tmp_path: Path) -> None:
    events = "".join(event(f"a{i}", "2024-01-01T00:00:00Z") for i in range(3000))
    data = gzip.compress(xes(trace("1", events)).encode())
    path = tmp_path / "cut.xes.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(LogError, match=r"cut\.xes\.gz: the gzip stream is truncated or corrupt"):
        read_log(path)


def test_not_gzip_at_all(tmp_path: Path) -> None:
    path = write(tmp_path / "plain.xes", xes("")).rename(tmp_path / "plain.xes.gz")
    with pytest.raises(LogError, match=r"plain\.xes\.gz: the gzip stream is truncated or corrupt"):
        read_log(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<log><trace>", r"not well-formed XML \(line 1: "),
        ("<events/>", r"the root element is <events>, not <log>"),
        ("<log/>", r"the log has no events"),
        ('<log><trace><event><string key="concept:name" value="a"/></event></trace></log>',
         r"no case column found among the columns \['concept:name'\]; pass case="),
    ],
)  # fmt: skip
def test_malformed_xes(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(LogError, match=rf"bad\.xes: {message}"):
        read_log(write(tmp_path / "bad.xes", text))


BAD_XES = sorted((Path(__file__).parent / "data" / "bad-xes").glob("*.xes"))


def test_all_bad_xes_files_are_there() -> None:
    assert len(BAD_XES) == 71


@pytest.mark.parametrize("path", BAD_XES, ids=[p.name for p in BAD_XES])
def test_bad_xes_reads_or_names_the_file_and_problem(path: Path) -> None:
    try:
        log = read_log(path)
    except LogError as exc:
        message = str(exc)
        assert message.startswith(f"{path}: ")
        problem = message.removeprefix(f"{path}: ")
        assert problem.split(";")[0] in {
            "the file is empty",
            "the log has no events",
        } or problem.startswith(("no case column found", "no timestamp column found"))
    else:  # none of the 71 has a trace with a case name and events, so none can read
        pytest.fail(f"{path.name} read as {log!r}")


@pytest.mark.parametrize("batch", [1, 2, 1000])
def test_completes_take_the_earliest_open_start_across_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr("bpr.xes.BATCH", batch)
    day = "2024-01-01T{}:00:00Z".format
    text = xes(
        trace(
            "1",
            event("a", day("08"), "complete"),  # no start before it: no start time
            event("a", day("09"), "start"),
            event("a", day("10"), "start"),
            event("a", day("11"), "complete"),  # takes 09
            event("a", day("12"), "complete"),  # takes 10
            event("a", day("13"), "complete"),  # none left
            event("a", day("14"), "start"),  # never completed
        )
        + trace("2", event("a", day("15"), "start"), event("a", day("16"), "COMPLETE ")),
    )
    log = read_log(write(tmp_path / "fifo.xes", text))
    events = log.to_pandas()
    hours = [None if pd.isna(t) else t.hour for t in events["start"]]
    assert list(zip(events["case"], events["timestamp"].dt.hour, hours, strict=True)) == [
        ("1", 8, None), ("1", 11, 9), ("1", 12, 10), ("1", 13, None), ("2", 16, 15),
    ]  # fmt: skip
    assert dict(zip(log.repairs["repair"], log.repairs["count"], strict=True)) == {
        "unpaired start events dropped": 1
    }


def test_batches_may_bring_new_columns_and_other_types(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bpr.xes.BATCH", 1)
    cost = '<int key="cost" value="{}"/>'.format
    text = xes(
        trace("1", event("a", "2024-01-01T08:00:00Z"))  # no cost yet
        + trace("2", event("a", "2024-01-01T09:00:00Z", extra=cost(3)))
        + trace("3", event("a", "2024-01-01T10:00:00Z", extra='<float key="cost" value="2.5"/>'))
        + trace("4", event("a", "2024-01-01T11:00:00Z", extra='<string key="note" value="x"/>'))
        + trace("5", event("a", "2024-01-01T12:00:00Z", extra='<int key="note" value="7"/>'))
    )
    events = read_log(write(tmp_path / "types.xes", text)).to_pandas()
    assert events["cost"].tolist()[1:3] == [3.0, 2.5] and pd.isna(events["cost"].iloc[0])
    assert events["note"].tolist()[3:] == ["x", "7"]
    assert list(events.columns[:4]) == ["case", "activity", "timestamp", "cost"]


def test_a_start_after_its_complete_gives_no_negative_duration(tmp_path: Path) -> None:
    text = xes(
        trace(
            "1",
            event("a", "2024-01-01T10:00:00Z", "start"),
            event("a", "2024-01-01T09:00:00Z", "complete"),  # written before its start
        )
    )
    log = read_log(write(tmp_path / "back.xes", text))
    assert log.to_pandas()["start"].isna().all()
    assert dict(zip(log.repairs["repair"], log.repairs["count"], strict=True)) == {
        "start times after completion cleared": 1
    }
    with pytest.raises(LogError, match="start times after completion cleared: 1"):
        read_log(tmp_path / "back.xes", strict=True)
