import pytest

torch = pytest.importorskip("torch")

from deckkit.demos import device_info  # noqa: E402


def test_without_gpu_the_banner_says_the_demos_run_on_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    info = device_info()
    assert info.kind == "cpu" and not info.is_gpu
    line = info.banner()
    assert line.startswith("CPU: ") and "no GPU found: the demos run on the CPU" in line
    assert f"torch {torch.__version__}" in line and "thread" in line
    assert "\n" not in line


def test_prefer_cpu_skips_any_gpu():
    assert device_info(prefer="cpu").kind == "cpu"


@pytest.mark.gpu
def test_cuda_is_chosen_first_when_present():
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    info = device_info()
    assert info.kind == "cuda" and info.memory_gb > 0 and "no GPU" not in info.banner()
