# Policy frameworks, assessments and scores (issue #7).
ig_add_unit_test(policy unit/test_policy.c)
target_link_libraries(test_policy PRIVATE PkgConfig::JANSSON)
ig_add_unit_test(policy_rules unit/test_policy_rules.c)
target_link_libraries(test_policy_rules PRIVATE PkgConfig::JANSSON)
# The practice knowledge base (issue #7).
ig_add_unit_test(practices unit/test_practices.c)
