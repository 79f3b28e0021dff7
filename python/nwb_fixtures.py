#!/usr/bin/env python3
"""Write NWB fixtures with pynwb (the reference writer) and dump the values
they hold as JSON, so that ccc's Go reader can be checked against them.

usage: nwb_fixtures.py OUTDIR

Writes OUTDIR/ecephys.nwb, OUTDIR/icephys.nwb and OUTDIR/expected.json.
Values are deterministic (fixed seed), small, and chosen to exercise:
electrodes with x, y, z and location, an ElectricalSeries with a
DynamicTableRegion and a rate, units with ragged spike_times, a
double-ragged column, quality metrics and peak channel; the icephys
intracellular_recordings AlignedDynamicTable (electrodes, stimuli,
responses categories).
"""
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from pynwb import NWBHDF5IO, NWBFile
from pynwb.ecephys import ElectricalSeries
from pynwb.icephys import CurrentClampSeries, CurrentClampStimulusSeries
from pynwb.file import Subject


def ecephys(path):
    rng = np.random.default_rng(7)
    nwb = NWBFile(
        session_description="ccc fixture: ecephys",
        identifier="ccc-ecephys-0001",
        session_start_time=datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
        institution="ccc",
        subject=Subject(subject_id="mouse-1", species="Mus musculus", age="P90D", sex="F"),
    )
    dev = nwb.create_device(name="probeA", description="Neuropixels 1.0")
    grp = nwb.create_electrode_group(name="probeA", description="shank", location="VISp", device=dev)
    nwb.add_electrode_column(name="peak_depth", description="depth along the probe, um")
    locations = ["VISp", "VISp", "VISp5", "CA1", "grey", "NotARegion"]
    xs = [8500.0, 8510.0, 8520.0, 7600.0, float("nan"), 9000.0]
    for i, loc in enumerate(locations):
        nwb.add_electrode(
            group=grp, location=loc, x=xs[i], y=1000.0 + 20 * i, z=5700.5 - i, peak_depth=float(40 * i)
        )
    region = nwb.create_electrode_table_region(region=[0, 2, 3], description="three channels")
    data = rng.standard_normal((50, 3)).astype(np.float32)
    es = ElectricalSeries(
        name="raw", data=data, electrodes=region, rate=30000.0, starting_time=1.5, conversion=0.195e-6, offset=0.001
    )
    nwb.add_acquisition(es)
    nwb.add_unit_column(name="quality", description="curation label")
    nwb.add_unit_column(name="firing_rate", description="Hz")
    nwb.add_unit_column(name="peak_channel_id", description="electrode id")
    nwb.add_unit_column(name="bursts", description="burst onsets per trial", index=2)
    nwb.add_unit_column(name="waveforms", description="k waveforms of 3 samples per unit", index=True)
    spikes = [[0.1, 0.25, 0.9], [], [1.5], [0.01, 0.02, 0.03, 0.04]]
    bursts = [[[0.1], [0.2, 0.3]], [[]], [[1.0, 2.0, 3.0]], [[0.5], [], [0.6]]]
    waveforms = [[[1.0, 2.0, 3.0]], [[4.0, 5.0, 6.0], [7.0, 8.0, 9.0]], [[0.5, 0.25, 0.125]], [[-1.0, -2.0, -3.0]]]
    unit_electrodes = [[0, 1], [2], [3, 4, 5], [5]]
    for i, st in enumerate(spikes):
        nwb.add_unit(
            spike_times=st,
            electrodes=unit_electrodes[i],
            waveforms=np.array(waveforms[i]),
            quality=["good", "noise", "good", "mua"][i],
            firing_rate=[3.5, 0.0, 12.25, 7.0][i],
            peak_channel_id=[0, 2, 3, 5][i],
            bursts=bursts[i],
            id=100 + i,
        )
    with NWBHDF5IO(str(path), "w") as io:
        io.write(nwb)
    return {
        "identifier": "ccc-ecephys-0001",
        "session_description": "ccc fixture: ecephys",
        "electrodes": {
            "ids": list(range(len(locations))),
            "location": locations,
            "x": [None if np.isnan(v) else v for v in xs],
            "y": [1000.0 + 20 * i for i in range(len(locations))],
            "z": [5700.5 - i for i in range(len(locations))],
            "group_name": ["probeA"] * len(locations),
            "peak_depth": [float(40 * i) for i in range(len(locations))],
        },
        "series": {
            "path": "/acquisition/raw",
            "shape": list(data.shape),
            "data": data.astype(float).ravel().tolist(),
            "electrodes": [0, 2, 3],
            "rate": 30000.0,
            "starting_time": 1.5,
            "conversion": 0.195e-6,
            "offset": 0.001,
        },
        "units": {
            "ids": [100, 101, 102, 103],
            "spike_times": spikes,
            "bursts": bursts,
            "waveforms": waveforms,
            "electrodes": unit_electrodes,
            "quality": ["good", "noise", "good", "mua"],
            "firing_rate": [3.5, 0.0, 12.25, 7.0],
            "peak_channel_id": [0, 2, 3, 5],
        },
    }


def icephys(path):
    nwb = NWBFile(
        session_description="ccc fixture: icephys",
        identifier="ccc-icephys-0001",
        session_start_time=datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc),
    )
    dev = nwb.create_device(name="amp", description="MultiClamp 700B")
    elec = nwb.create_icephys_electrode(name="elec0", description="patch pipette", device=dev)
    rows = []
    for i in range(3):
        stim = CurrentClampStimulusSeries(
            name=f"stim{i}", data=np.full(20, 1e-11 * (i + 1)), starting_time=float(i), rate=10000.0,
            electrode=elec, gain=1.0, sweep_number=i,
        )
        resp = CurrentClampSeries(
            name=f"resp{i}", data=np.linspace(-0.07, -0.06 + 0.001 * i, 20), starting_time=float(i), rate=10000.0,
            electrode=elec, gain=1.0, bias_current=0.0, bridge_balance=0.0, capacitance_compensation=0.0, sweep_number=i,
        )
        nwb.add_stimulus(stim, use_sweep_table=False)
        nwb.add_acquisition(resp, use_sweep_table=False)
        rid = nwb.add_intracellular_recording(electrode=elec, stimulus=stim, response=resp, id=10 + i)
        rows.append({"id": 10 + i, "stimulus": f"/stimulus/presentation/stim{i}", "response": f"/acquisition/resp{i}"})
    with NWBHDF5IO(str(path), "w") as io:
        io.write(nwb)
    return {"identifier": "ccc-icephys-0001", "intracellular_recordings": rows}


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    expected = {"ecephys": ecephys(out / "ecephys.nwb"), "icephys": icephys(out / "icephys.nwb")}
    (out / "expected.json").write_text(json.dumps(expected, indent=1))


if __name__ == "__main__":
    main()
