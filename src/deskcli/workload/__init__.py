"""Synthetic workloads: realistic help desk databases of any size, for benchmarks and demos."""

from deskcli.workload.generator import DEFAULT_NOW, GenerationReport, generate

__all__ = ["DEFAULT_NOW", "GenerationReport", "generate"]
