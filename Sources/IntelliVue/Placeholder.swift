// The IntelliVue driver lives in this target.
