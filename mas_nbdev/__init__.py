__version__ = "0.0.1"

# cuBLAS reads its workspace setting once per process, at its first call: a deterministic run (`deterministic=True`) needs
# the reproducible one, so it is set here, when the library is imported, unless the user set it (see 07_condense). This
# file is written by hand: nbdev only updates the version line above.
import os as _os
import sys as _sys
_CUBLAS_PRESET = 'CUBLAS_WORKSPACE_CONFIG' in _os.environ   # the user's own setting, left alone
_CUBLAS_LATE = 'torch' in _sys.modules and _sys.modules['torch'].cuda.is_initialized()   # CUDA ran before the library was imported
_os.environ.setdefault('CUBLAS_WORKSPACE_CONFIG', ':4096:8')
