/**
 * A search box that applies the term on every keystroke (the lists are searched in
 * memory, within a frame) and again on Enter. The term lives in a store, so it survives
 * navigation.
 *
 * The field keeps its own text (uncontrolled): a keystroke re-renders the results, not
 * Mantine's input layers. A term set from elsewhere ("Clear search") is written into it.
 */
import { TextInput } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useStableCallback } from './useStableCallback';

export function SearchInput({
  value,
  onSearch,
  label,
  placeholder,
  description,
}: {
  value: string;
  onSearch(term: string): void;
  label: string;
  placeholder: string;
  description?: string;
}) {
  const input = useRef<HTMLInputElement>(null);
  const search = useStableCallback(onSearch);
  const [initial] = useState(value);
  useEffect(() => {
    if (input.current && input.current.value !== value) input.current.value = value;
  }, [value]);
  return useMemo(
    () => (
      <TextInput
        ref={input}
        type="search"
        aria-label={label}
        placeholder={placeholder}
        description={description}
        inputWrapperOrder={['input', 'description']}
        defaultValue={initial}
        onChange={(e) => search(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') search(e.currentTarget.value);
        }}
        maw={420}
      />
    ),
    [label, placeholder, description, search, initial],
  );
}
