# The generated editions (course/editions/) have no stored outputs: nbval must not collect them.
collect_ignore = ["editions"]
