"""Tests of pytest_wslocal, through its fixtures and boto3.

    PYTHONPATH=clients/python pytest -p pytest_wslocal clients/python/tests
"""

import datetime
import os

import pytest

pytest_plugins = ["pytester"]

from pytest_wslocal import Wslocal, WslocalError

SEED = """
accounts:
  - account: "000000000000"
    region: us-east-1
    directories:
      - {id: d-1234567890, state: REGISTERED}
"""


def test_endpoint_is_a_free_loopback_port(wslocal_endpoint, wslocal):
    assert wslocal_endpoint.startswith("http://127.0.0.1:")
    assert wslocal_endpoint != "http://127.0.0.1:4599"
    health = wslocal.control("GET", "health")
    assert (health["status"], health["store"], health["clock"]) == ("ok", "memory", "manual")


def test_image_becomes_available_when_the_clock_moves(wslocal_reset, workspaces_client, advance):
    image = workspaces_client.import_workspace_image(
        Ec2ImageId="ami-0123456789abcdef0", IngestionProcess="BYOL_REGULAR", ImageName="golden",
        ImageDescription="Windows 10", Applications=["Microsoft_Office_2019"])["ImageId"]

    def state():
        return workspaces_client.describe_workspace_images(ImageIds=[image])["Images"][0]["State"]

    assert state() == "PENDING"
    # The manual clock does not move by itself.
    assert state() == "PENDING"
    for _ in range(10):
        advance("1s")
        if state() == "AVAILABLE":
            break
    assert state() == "AVAILABLE"
    assoc = workspaces_client.describe_image_associations(ImageId=image, AssociatedResourceTypes=["APPLICATION"])
    assert [a["State"] for a in assoc["Associations"]] == ["COMPLETED"]


# The next two run in this order: the second sees what the first made
# unless wslocal_reset removed it.
def test_reset_isolates_tests_first(wslocal_reset, workspaces_client):
    workspaces_client.create_ip_group(GroupName="office")
    assert [g["groupName"] for g in workspaces_client.describe_ip_groups()["Result"]] == ["office"]


def test_reset_isolates_tests_second(wslocal_reset, workspaces_client):
    assert workspaces_client.describe_ip_groups()["Result"] == []


def test_advance_takes_strings_seconds_and_timedeltas(wslocal, advance):
    start = wslocal.now()
    assert advance("90s") - start == datetime.timedelta(seconds=90)
    assert advance(30) - start == datetime.timedelta(seconds=120)
    assert advance(datetime.timedelta(minutes=1)) - start == datetime.timedelta(seconds=180)
    assert wslocal.now() - start == datetime.timedelta(seconds=180)


def test_client_factory_speaks_for_an_account_and_region(wslocal_reset, wslocal_client):
    mine = wslocal_client("workspaces", account="111122223333", region="eu-west-1")
    mine.create_ip_group(GroupName="mine")
    assert [g["groupName"] for g in mine.describe_ip_groups()["Result"]] == ["mine"]
    assert wslocal_client("workspaces").describe_ip_groups()["Result"] == []


def test_reset_and_seed(tmp_path, wslocal):
    seed = tmp_path / "seed.yaml"
    seed.write_text(SEED)
    with Wslocal(binary=wslocal.binary, args=["--seed", str(seed)]) as seeded:
        ws = seeded.client()

        def directories():
            return [(d["DirectoryId"], d["State"]) for d in ws.describe_workspace_directories()["Directories"]]

        assert directories() == [("d-1234567890", "REGISTERED")]
        ws.deregister_workspace_directory(DirectoryId="d-1234567890")
        ws.register_workspace_directory(DirectoryId="d-2222222222")
        assert seeded.reset() == {"reset": True, "seeded": True}  # re-seeds by default
        assert directories() == [("d-1234567890", "REGISTERED")]
        assert seeded.reset(seed=False) == {"reset": True, "seeded": False}
        assert directories() == []

    # The session's wslocal has no seed: asking for one is refused.
    with pytest.raises(WslocalError, match=r"HTTP 400 .*started without --seed"):
        wslocal.reset(seed=True)


def test_wslocal_bin_is_used(wslocal):
    if os.environ.get("WSLOCAL_BIN"):
        assert wslocal.binary == os.environ["WSLOCAL_BIN"]


def test_ini_options_seed_and_reset_each_test(pytester, wslocal):
    """wslocal_args and wslocal_reset_each_test, in a pytest run of its own."""
    pytester.makefile(".yaml", seed=SEED)
    pytester.makeini("""
        [pytest]
        wslocal_args = --seed seed.yaml --step 1s
        wslocal_reset_each_test = true
    """)
    pytester.makepyfile("""
        def directories(ws):
            return [d["DirectoryId"] for d in ws.describe_workspace_directories()["Directories"]]

        def test_first(workspaces_client):
            assert directories(workspaces_client) == ["d-1234567890"]
            workspaces_client.register_workspace_directory(DirectoryId="d-2222222222")

        def test_second(workspaces_client):
            # reset and re-seeded before this test: the seed, without test_first's
            assert directories(workspaces_client) == ["d-1234567890"]
    """)
    # --opt=value: pytest takes a separate value that names a file for a
    # path to test, and looks for the ini file from there.
    result = pytester.runpytest_inprocess("-p", "pytest_wslocal", f"--wslocal-bin={wslocal.binary}", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
