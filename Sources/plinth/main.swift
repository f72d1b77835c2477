import PlinthKernel; print(PlinthKernelVersion.string)
