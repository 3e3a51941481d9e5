"""altedic: European language data in, sharded language-partitioned Parquet training corpora out."""

__version__ = "0.1.0"
