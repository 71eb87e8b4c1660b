/// @file exceptions.hpp  Run-time errors both engines throw.
#pragma once
#include <stdexcept>

namespace etgrad {

/// Tensors or arrays whose shapes do not fit the operation; the message names both shapes.
struct shape_error : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

}  // namespace etgrad
