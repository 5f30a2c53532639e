/**
 * A search box that applies the term on every keystroke (the lists are searched in
 * memory, within a frame) and again on Enter. The term lives in a store, so it survives
 * navigation.
 */
import { TextInput } from '@mantine/core';

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
  return (
    <TextInput
      type="search"
      aria-label={label}
      placeholder={placeholder}
      description={description}
      inputWrapperOrder={['input', 'description']}
      value={value}
      onChange={(e) => onSearch(e.currentTarget.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onSearch(e.currentTarget.value);
      }}
      maw={420}
    />
  );
}
