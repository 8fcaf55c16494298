# exports_match_header.cmake - included by the release checks.
#
# exports_match_header(<exported names> <header> <table exports file>): stops with an error unless
# the library's exports, the asmk_* functions the header declares with ASMK_API and the kernel
# table's exports (native/kernels.txt, one name per line in the generated exports.txt) are the
# same set of names.
function(exports_match_header exported header table_exports)
  file(STRINGS ${header} decls REGEX "ASMK_API [^(]+ (asmk_[a-z0-9_]+)\\(")
  set(declared "")
  foreach(decl ${decls})
    string(REGEX MATCH "(asmk_[a-z0-9_]+)\\(" m "${decl}")
    list(APPEND declared ${CMAKE_MATCH_1})
  endforeach()
  file(STRINGS ${table_exports} listed)
  list(SORT declared)
  list(SORT exported)
  list(SORT listed)
  if(NOT exported STREQUAL declared OR NOT exported STREQUAL listed)
    message(FATAL_ERROR "the library's exports, the header and the kernel table disagree\n"
      " exported by the library: ${exported}\n declared by the header:  ${declared}\n"
      " listed in kernels.txt:   ${listed}")
  endif()
  list(LENGTH exported n)
  message(STATUS "exports: ${n} asmk_* functions, as the header declares and kernels.txt lists them")
endfunction()
