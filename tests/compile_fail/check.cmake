# cmake -DCXX=... -DINCLUDES=... -DSOURCE=... -P check.cmake
set(_flags -std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic -Werror)
foreach(_dir IN LISTS INCLUDES)
    list(APPEND _flags -I${_dir})
endforeach()

execute_process(COMMAND ${CXX} ${_flags} ${SOURCE} RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "${SOURCE} must compile without ETGRAD_TRIGGER, but:\n${_out}")
endif()

execute_process(COMMAND ${CXX} ${_flags} -DETGRAD_TRIGGER ${SOURCE} RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
if(_rc EQUAL 0)
    message(FATAL_ERROR "${SOURCE} compiled with ETGRAD_TRIGGER; it must not")
endif()

file(STRINGS ${SOURCE} _expects REGEX "^// expect: ")
if(NOT _expects)
    message(FATAL_ERROR "${SOURCE} has no '// expect: ' line")
endif()
foreach(_line IN LISTS _expects)
    string(REGEX REPLACE "^// expect: " "" _re "${_line}")
    if(NOT _out MATCHES "${_re}")
        message(FATAL_ERROR "${SOURCE}: the diagnostic does not match '${_re}':\n${_out}")
    endif()
endforeach()
# The diagnostic that names the fix is the only error: no follow-on errors from etgrad's internals.
string(REPLACE ";" "," _flat "${_out}")  # a list separator otherwise
string(REGEX MATCHALL "[^\n]*error: [^\n]*" _errors "${_flat}")
list(LENGTH _errors _n_errors)
set(_max 1)  # `// max-errors: N` where a compiler states one failure in several lines
file(STRINGS ${SOURCE} _max_line REGEX "^// max-errors: [0-9]+")
if(_max_line)
    string(REGEX REPLACE "^// max-errors: ([0-9]+).*" "\\1" _max "${_max_line}")
endif()
if(_n_errors GREATER _max)
    message(FATAL_ERROR "${SOURCE}: expected at most ${_max} error(s), got ${_n_errors}:\n${_out}")
endif()
message(STATUS "${SOURCE}: fails as expected")
