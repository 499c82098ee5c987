from mzpolicy_spark.cli import main

main(prog_name="mzpolicy-spark")
