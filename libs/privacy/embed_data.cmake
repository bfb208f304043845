# Writes a .cc file holding the bytes of IN as one raw string literal (cmake -P script).
file(READ ${IN} content)
string(FIND "${content}" ")bridging_data\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} holds the raw-string delimiter")
endif()
file(WRITE ${OUT} "// Generated from libs/privacy/data/names.tsv by embed_data.cmake: do not edit.\n"
  "#include \"libs/privacy/name_dictionary_data.h\"\n\n"
  "namespace bridging::privacy::internal {\n\n"
  "const char kNamesTsv[] = R\"bridging_data(${content})bridging_data\";\n"
  "const size_t kNamesTsvSize = sizeof(kNamesTsv) - 1;\n\n"
  "}  // namespace bridging::privacy::internal\n")
